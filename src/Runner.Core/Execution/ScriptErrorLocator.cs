using System.Diagnostics;

namespace Runner.Execution;

/// <summary>Describes an exception from a script with the script's own file and line, as operators need it.</summary>
internal static class ScriptErrorLocator
{
    public static string Describe(Exception exception, string baseDirectory)
    {
        exception = Unwrap(exception);
        var location = Locate(exception);
        var text = $"{exception.GetType().Name}: {exception.Message}";
        return location is null ? text : $"{Relative(location.Value.File, baseDirectory)}({location.Value.Line}): {text}";
    }

    /// <summary>The innermost script frame (.csx) of the exception or its inner exceptions.</summary>
    public static (string File, int Line)? Locate(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            foreach (var frame in new StackTrace(current, fNeedFileInfo: true).GetFrames())
            {
                var file = frame.GetFileName();
                if (file is not null && file.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) && frame.GetFileLineNumber() > 0)
                {
                    return (file, frame.GetFileLineNumber());
                }
            }
        }

        return null;
    }

    private static Exception Unwrap(Exception exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        return exception is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : exception;
    }

    private static string Relative(string path, string baseDirectory)
    {
        var relative = Path.GetRelativePath(baseDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
