using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Runner.Scripting;

/// <summary>A parameter the script cannot run without: a <c>Params.Get&lt;T&gt;("name")</c> with no default, and where.</summary>
internal sealed record RequiredParameter(string Name, string Path, int Line);

/// <summary>
/// Finds, at compile time, the parameters a script requires, so a run without one fails once, before any tenant,
/// instead of once per tenant. A name the script also tests (<c>Params.Has("x")</c>, <c>Params["x"]</c>) is optional.
/// </summary>
internal static class RequiredParameters
{
    public static IReadOnlyList<RequiredParameter> Find(IEnumerable<SyntaxTree> trees, string scriptPath)
    {
        var required = new List<RequiredParameter>();
        var tested = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var tree in trees)
        {
            var root = tree.GetRoot();
            foreach (var invocation in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (invocation.Expression is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "Params" } } access ||
                    invocation.ArgumentList.Arguments is not [{ Expression: LiteralExpressionSyntax literal }] ||
                    literal.Token.Value is not string name)
                {
                    continue;
                }

                if (access.Name is GenericNameSyntax { Identifier.Text: "Get" })
                {
                    var path = string.IsNullOrEmpty(tree.FilePath) ? scriptPath : tree.FilePath;
                    required.Add(new RequiredParameter(name, path, invocation.GetLocation().GetLineSpan().StartLinePosition.Line + 1));
                }
                else if (access.Name.Identifier.Text == "Has")
                {
                    tested.Add(name);
                }
            }

            foreach (var element in root.DescendantNodes().OfType<ElementAccessExpressionSyntax>())
            {
                if (element.Expression is IdentifierNameSyntax { Identifier.Text: "Params" } &&
                    element.ArgumentList.Arguments is [{ Expression: LiteralExpressionSyntax { Token.Value: string name } }])
                {
                    tested.Add(name);
                }
            }
        }

        return [.. required.Where(r => !tested.Contains(r.Name)).GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.First())];
    }
}
