using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Runner.Configuration;

/// <summary>
/// Watches the events YamlDotNet's loader consumes and stops, with a <see cref="ConfigException"/> at the place, at what it
/// would mishandle: a key given twice (named by its dotted path), an alias to no anchor or to a collection that contains
/// it (a cycle, which would overflow the stack when hashed), and nesting deeper than <c>maxDepth</c>.
/// </summary>
internal sealed class YamlGuard(IParser inner, string path, int maxDepth) : IParser
{
    private readonly List<Frame> _frames = [];
    private readonly HashSet<string> _anchors = new(StringComparer.Ordinal);

    public ParsingEvent? Current => inner.Current;

    /// <summary>The innermost { } or [ ] not closed yet.</summary>
    public (char Bracket, long Line, long Column)? OpenFlow =>
        _frames.LastOrDefault(f => f.Flow) is { } frame ? (frame.IsMapping ? '{' : '[', frame.Start.Line, frame.Start.Column) : null;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        switch (inner.Current)
        {
            case MappingStart m:
                Open(m, isMapping: true, m.Anchor, m.Style == MappingStyle.Flow);
                break;
            case SequenceStart s:
                Open(s, isMapping: false, s.Anchor, s.Style == SequenceStyle.Flow);
                break;
            case MappingEnd or SequenceEnd when _frames.Count > 0:
                var closed = _frames[^1];
                _frames.RemoveAt(_frames.Count - 1);
                NodeDone(closed.IsKey);
                break;
            case Scalar scalar:
                Leaf(scalar, scalar.Anchor, scalar.Value);
                break;
            case AnchorAlias alias:
                CheckAlias(alias);
                Leaf(alias, AnchorName.Empty, $"*{alias.Value}");
                break;
            case DocumentStart:
                _anchors.Clear();
                break;
        }

        return true;
    }

    private void Open(ParsingEvent start, bool isMapping, AnchorName anchor, bool flow)
    {
        var isKey = IsKeyPosition();
        if (!isKey)
        {
            _ = ValueKey();
        }

        if (_frames.Count >= maxDepth)
        {
            var key = Path();
            throw Error(start, key.Length > 40 ? $"{key[..Math.Max(key.IndexOf('['), 0)]}[…]" : key, $"nested more than {maxDepth} levels deep");
        }

        if (!anchor.IsEmpty)
        {
            _anchors.Add(anchor.Value);
        }

        _frames.Add(new Frame(isMapping, flow, isKey, start.Start, anchor.IsEmpty ? null : anchor.Value));
    }

    private void Leaf(ParsingEvent node, AnchorName anchor, string value)
    {
        if (!anchor.IsEmpty)
        {
            _anchors.Add(anchor.Value);
        }

        if (IsKeyPosition())
        {
            var frame = _frames[^1];
            if (!frame.Keys.Add(value))
            {
                throw Error(node, Join(Path(), value), "this key appears twice");
            }

            frame.CurrentKey = value;
            frame.ExpectKey = false;
            return;
        }

        _ = ValueKey();
        NodeDone(isKey: false);
    }

    private void CheckAlias(AnchorAlias alias)
    {
        if (_frames.Any(f => f.Anchor == alias.Value.Value))
        {
            throw Error(alias, Path(), $"the alias *{alias.Value} refers to a collection that contains it (a cycle)");
        }

        if (!_anchors.Contains(alias.Value.Value))
        {
            throw Error(alias, Path(), $"the alias *{alias.Value} refers to no anchor; define &{alias.Value} before it");
        }
    }

    private bool IsKeyPosition() => _frames.Count > 0 && _frames[^1] is { IsMapping: true, ExpectKey: true };

    /// <summary>A value starts: in a sequence it takes the next index.</summary>
    private string? ValueKey()
    {
        if (_frames.Count > 0 && !_frames[^1].IsMapping)
        {
            _frames[^1].CurrentKey = $"[{_frames[^1].Count++}]";
        }

        return _frames.Count > 0 ? _frames[^1].CurrentKey : null;
    }

    private void NodeDone(bool isKey)
    {
        if (_frames.Count > 0 && _frames[^1].IsMapping)
        {
            var frame = _frames[^1];
            if (isKey)
            {
                frame.CurrentKey = "?";
                frame.ExpectKey = false;
            }
            else
            {
                frame.ExpectKey = true;
            }
        }
    }

    private string Path()
    {
        var path = "";
        foreach (var frame in _frames)
        {
            if (frame.CurrentKey is { } key && !(frame.IsMapping && frame.ExpectKey))
            {
                path = key.StartsWith('[') ? path + key : Join(path, key);
            }
        }

        return path;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private ConfigException Error(ParsingEvent at, string key, string problem) =>
        new(path, (int)at.Start.Line, (int)at.Start.Column, key, problem);

    private sealed class Frame(bool isMapping, bool flow, bool isKey, Mark start, string? anchor)
    {
        public bool IsMapping { get; } = isMapping;

        public bool Flow { get; } = flow;

        public bool IsKey { get; } = isKey;

        public Mark Start { get; } = start;

        public string? Anchor { get; } = anchor;

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public bool ExpectKey { get; set; } = true;

        public string? CurrentKey { get; set; }

        public int Count { get; set; }
    }
}
