using System.Diagnostics;

namespace Runner.Execution;

/// <summary>
/// Describes an exception from a script with the script's own file and line, as operators need it: the innermost
/// .csx frame (which may be in a #load'ed helper), and where the job itself called into it. Works across awaits:
/// a stack trace rebuilt from an exception includes the frames of earlier throws of the same exception.
/// </summary>
internal static class ScriptErrorLocator
{
    public static string Describe(Exception exception, string baseDirectory)
    {
        exception = Unwrap(exception);
        var frames = ScriptFrames(exception);
        var text = $"{exception.GetType().Name}: {exception.Message}";
        if (frames.Count == 0)
        {
            return text;
        }

        var (file, line) = frames[0];
        var caller = frames.FirstOrDefault(f => !string.Equals(f.File, file, StringComparison.Ordinal));
        var calledFrom = caller.File is null ? "" : $" (called from {Relative(caller.File, baseDirectory)}({caller.Line}))";
        return $"{Relative(file, baseDirectory)}({line}): {text}{calledFrom}";
    }

    /// <summary>The innermost script frame (.csx) of the exception or its inner exceptions.</summary>
    public static (string File, int Line)? Locate(Exception exception)
    {
        var frames = ScriptFrames(Unwrap(exception));
        return frames.Count == 0 ? null : frames[0];
    }

    /// <summary>Script frames, innermost first: the exception's own, else those of the first inner exception that has any.</summary>
    private static List<(string File, int Line)> ScriptFrames(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var frames = new List<(string File, int Line)>();
            foreach (var frame in new StackTrace(current, fNeedFileInfo: true).GetFrames())
            {
                var file = frame.GetFileName();
                if (file is not null && file.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) && frame.GetFileLineNumber() > 0)
                {
                    frames.Add((file, frame.GetFileLineNumber()));
                }
            }

            if (frames.Count > 0)
            {
                return frames;
            }
        }

        return [];
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
