namespace Runner.Sandbox.Graph;

/// <summary>Splits an OData expression into words, quoted string literals ('' escapes a quote), parentheses and commas.</summary>
internal static class ODataTokens
{
    public static List<string> Split(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == '\'')
            {
                tokens.Add(text[i..(i = EndOfString(text, i))]);
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not '(' and not ')' and not ',')
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
        }

        return tokens;
    }

    private static int EndOfString(string text, int start)
    {
        var i = start + 1;
        while (true)
        {
            if (i >= text.Length)
            {
                throw new ODataQueryException("BadRequest", "Invalid filter clause: unterminated string literal.");
            }

            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }
    }
}
