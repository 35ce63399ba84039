using System.Globalization;
using System.Net;
using System.Text;

namespace Runner.Web.Pages;

/// <summary>A small HTML writer: every text goes through <see cref="Text"/>, so nothing from a store is ever markup.</summary>
internal sealed class Html
{
    private readonly StringBuilder _out = new(4096);

    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public Html Raw(string markup)
    {
        _out.Append(markup);
        return this;
    }

    public Html Text(string? text)
    {
        _out.Append(Encode(text));
        return this;
    }

    public Html Element(string tag, string? text, string? cssClass = null) =>
        Raw(cssClass is null ? $"<{tag}>" : $"<{tag} class=\"{Encode(cssClass)}\">").Text(text).Raw($"</{tag}>");

    public Html Link(string href, string text, string? cssClass = null) =>
        Raw($"<a href=\"{Encode(href)}\"{(cssClass is null ? "" : $" class=\"{Encode(cssClass)}\"")}>").Text(text).Raw("</a>");

    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string Duration(TimeSpan? value) => value switch
    {
        null => "—",
        { TotalSeconds: < 1 } v => $"{v.TotalMilliseconds:0} ms",
        { TotalMinutes: < 1 } v => string.Create(CultureInfo.InvariantCulture, $"{v.TotalSeconds:0.0} s"),
        var v => $"{(int)v.Value.TotalMinutes}m {v.Value.Seconds:00}s",
    };

    public override string ToString() => _out.ToString();
}
