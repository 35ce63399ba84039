using System.Text;
using System.Text.Json;

namespace Runner.Auth;

/// <summary>
/// MSAL's serialized cache (MsalV3 JSON) as pieces laid end to end, for saving: the larger entries where they are
/// already held (<see cref="CustomerEntries"/>, the clients' snapshots), the JSON around them in small blocks. At
/// 10,000 tenants the cache is 80 MB; saved from pieces, it never exists in one piece in memory.
/// </summary>
internal sealed class MsalCachePieces
{
    private MsalCachePieces(IReadOnlyList<ReadOnlyMemory<byte>> pieces, ReadOnlyMemory<byte> refreshTokens)
    {
        Pieces = pieces;
        RefreshTokens = refreshTokens;
    }

    /// <summary>A cache that is in one piece already.</summary>
    public static MsalCachePieces Of(ReadOnlyMemory<byte> whole) => new([whole], whole);

    public IReadOnlyList<ReadOnlyMemory<byte>> Pieces { get; }

    /// <summary>A cache (MsalV3) that holds at least this one's refresh tokens: for <see cref="RefreshTokenReader"/>.</summary>
    public ReadOnlyMemory<byte> RefreshTokens { get; }

    public long Length => Pieces.Sum(p => (long)p.Length);

    /// <summary>The cache in one piece (for the rare merge with a cache another process saved meanwhile).</summary>
    public byte[] ToArray()
    {
        var whole = new byte[Length];
        var at = 0;
        foreach (var piece in Pieces)
        {
            piece.Span.CopyTo(whole.AsSpan(at));
            at += piece.Length;
        }

        return whole;
    }

    /// <summary>Writes a cache as pieces: JSON text is copied into blocks, values of <see cref="LargeValue"/> bytes
    /// or more are referenced where they lie.</summary>
    internal sealed class Builder
    {
        /// <summary>From this size on a value becomes a piece of its own rather than a copy.</summary>
        public const int LargeValue = 512;

        private const int BlockSize = 64 * 1024;

        // What JSON requires escaped in a string: the quote, the backslash and control characters.
        private static readonly System.Buffers.SearchValues<char> MustEscape = System.Buffers.SearchValues.Create(
            "\"\\" + string.Concat(Enumerable.Range(0, 32).Select(c => (char)c)));

        private readonly List<ReadOnlyMemory<byte>> _pieces;
        private byte[] _block = new byte[BlockSize];
        private int _start;
        private int _end;

        /// <param name="entries">Entries expected, to size the list of pieces once.</param>
        public Builder(int entries = 0) => _pieces = new List<ReadOnlyMemory<byte>>(entries * 2 + 8);

        /// <summary>Writes JSON text as it is.</summary>
        public void Raw(ReadOnlySpan<byte> text)
        {
            Reserve(text.Length);
            text.CopyTo(_block.AsSpan(_end));
            _end += text.Length;
        }

        /// <summary>Makes room for <paramref name="length"/> bytes in the block, starting a new one if need be.</summary>
        private void Reserve(int length)
        {
            if (_block.Length - _end < length)
            {
                Flush();
                _block = new byte[Math.Max(BlockSize, length)];
                (_start, _end) = (0, 0);
            }
        }

        /// <summary>Writes <c>"name":</c>, the name escaped as JSON requires.</summary>
        public void Name(string name)
        {
            if (name.AsSpan().ContainsAny(MustEscape))
            {
                Raw("\""u8);
                Raw(JsonEncodedText.Encode(name).EncodedUtf8Bytes);
                Raw("\":"u8);
                return;
            }

            // MSAL's keys need no escaping (letters, digits, '-', '.', '/', ':' and spaces): written straight into the
            // block, where JsonEncodedText would allocate twice per key, 15 MB over a 10,000-tenant cache.
            Reserve(Encoding.UTF8.GetMaxByteCount(name.Length) + 3);
            _block[_end++] = (byte)'"';
            _end += Encoding.UTF8.GetBytes(name, _block.AsSpan(_end));
            _block[_end++] = (byte)'"';
            _block[_end++] = (byte)':';
        }

        /// <summary>Writes a JSON value that must not change until the pieces are written.</summary>
        public void Value(ReadOnlyMemory<byte> value)
        {
            if (value.Length < LargeValue)
            {
                Raw(value.Span);
                return;
            }

            Flush();
            _pieces.Add(value);
        }

        public MsalCachePieces Build(ReadOnlyMemory<byte> refreshTokens)
        {
            Flush();
            return new MsalCachePieces(_pieces, refreshTokens);
        }

        private void Flush()
        {
            if (_end > _start)
            {
                _pieces.Add(_block.AsMemory(_start, _end - _start));
                _start = _end;
            }
        }
    }
}
