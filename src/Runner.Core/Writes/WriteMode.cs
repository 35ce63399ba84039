namespace Runner.Writes;

/// <summary>What happens to a run's writes (POST, PUT, PATCH, DELETE through the script's clients).</summary>
internal enum WriteMode
{
    /// <summary>Sent, and each one kept in the write audit.</summary>
    Write,

    /// <summary>Recorded as planned and answered with a simulated success; nothing is sent (`runner run --what-if`).</summary>
    WhatIf,

    /// <summary>Refused before it is sent; the tenant fails naming the call (`writes: false`, `--read-only`).</summary>
    ReadOnly,
}

internal static class WriteModes
{
    /// <summary>How history and JSON name a mode: null for an ordinary run.</summary>
    public static string? Name(WriteMode mode) => mode switch
    {
        WriteMode.WhatIf => "what-if",
        WriteMode.ReadOnly => "read-only",
        _ => null,
    };

    public static WriteMode Parse(string? name) => name switch
    {
        "what-if" => WriteMode.WhatIf,
        "read-only" => WriteMode.ReadOnly,
        _ => WriteMode.Write,
    };
}
