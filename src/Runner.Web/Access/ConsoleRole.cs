namespace Runner.Web.Access;

/// <summary>What a console user may do. Nobody edits scripts in the browser: scripts live in git.</summary>
internal enum ConsoleRole
{
    /// <summary>Signed in, but not named in web.roles: sees a page saying so.</summary>
    None,

    /// <summary>Reads everything.</summary>
    Viewer,

    /// <summary>Also runs, cancels, pauses and resumes.</summary>
    Operator,
}
