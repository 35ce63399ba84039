using System.Globalization;
using System.Security.Cryptography;

namespace Runner.Execution;

/// <summary>Run ids that sort by time and are unique across nodes: 20261130-081502-3fa9c1.</summary>
internal static class RunIds
{
    public static string New(DateTimeOffset now) =>
        $"{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";
}
