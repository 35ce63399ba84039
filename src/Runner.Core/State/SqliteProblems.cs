using Microsoft.Data.Sqlite;

namespace Runner.State;

/// <summary>Explains a SQLite failure on a file in the state folder in one line: what is wrong and what to do.</summary>
internal static class SqliteProblems
{
    /// <param name="what">The file in the operator's terms, e.g. "The run history".</param>
    /// <param name="afterMove">What happens once a damaged file is moved aside.</param>
    public static string Describe(SqliteException e, string what, string path, string afterMove)
    {
        var folder = Path.GetDirectoryName(path);
        var reason = e.Message.Split('\n')[0].TrimEnd('.');
        return e.SqliteErrorCode switch
        {
            11 or 26 => $"{what} {path} is damaged ({reason}). Move it aside (for example `mv {path} {path}.damaged`); {afterMove}",
            8 or 14 => $"{what} {path} cannot be opened for writing ({reason}): the state folder {folder} or the file is read-only, or the folder is missing. Make it writable by this user, or point 'state:' in runner.yaml elsewhere.",
            10 or 13 => $"{what} {path} cannot be written ({reason}): the disk holding {folder} may be full or failing. Free some disk space, or point 'state:' in runner.yaml elsewhere.",
            _ => $"{what} {path} could not be used: {reason}",
        };
    }
}
