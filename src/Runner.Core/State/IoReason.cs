using System.Text.RegularExpressions;

namespace Runner.State;

/// <summary>The reason of a file system error in a few words ("No space left on device"), without the path .NET
/// appends (the message around it names the file or folder once, in the operator's terms).</summary>
internal static partial class IoReason
{
    public static string Of(Exception e) => TrailingPath().Replace(e.Message, "").Trim().TrimEnd('.');

    [GeneratedRegex(@"\s*:\s*'[^']*'\.?\s*$|\s*Path '[^']*'.*$")]
    private static partial Regex TrailingPath();
}
