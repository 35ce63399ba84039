using System.Text.Json;

namespace Runner.Resident;

/// <summary>What a client asks of the run server: a command line to run (as `runner` would) with the terminal it
/// writes to, or the server's status, or that it stop.</summary>
internal sealed record RunServerRequest(string Kind, IReadOnlyList<string> Arguments, bool OutputIsTerminal, bool ErrorIsTerminal, int Width)
{
    public const string Run = "run";
    public const string Status = "status";
    public const string Stop = "stop";

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", Kind);
            json.WriteStartArray("args");
            foreach (var argument in Arguments)
            {
                json.WriteStringValue(argument);
            }

            json.WriteEndArray();
            json.WriteBoolean("stdoutTerminal", OutputIsTerminal);
            json.WriteBoolean("stderrTerminal", ErrorIsTerminal);
            json.WriteNumber("width", Width);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static RunServerRequest FromJson(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        return new RunServerRequest(
            root.GetProperty("kind").GetString() ?? "",
            [.. root.GetProperty("args").EnumerateArray().Select(a => a.GetString() ?? "")],
            root.GetProperty("stdoutTerminal").GetBoolean(),
            root.GetProperty("stderrTerminal").GetBoolean(),
            root.GetProperty("width").GetInt32());
    }
}
