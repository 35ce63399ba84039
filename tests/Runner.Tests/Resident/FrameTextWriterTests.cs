using System.Net.Sockets;
using System.Text;
using Runner.Resident;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Resident;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FrameTextWriterTests : IDisposable
{
    private readonly TempFolder _folder = new("runner-frames");
    private readonly Socket _client;
    private readonly RunServerConnection _server;

    public FrameTextWriterTests()
    {
        var path = Path.Combine(_folder.Path, "s.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        _client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _client.Connect(new UnixDomainSocketEndPoint(path));
        _server = new RunServerConnection(listener.Accept());
    }

    [Fact]
    public async Task Write_ALongTextWithSurrogatePairsAcrossChunks_ArrivesWholeInBoundedFrames()
    {
        // 😀 is two chars: with an odd prefix, chunk boundaries fall between a pair's halves.
        var text = "x" + string.Concat(Enumerable.Repeat("😀é{\"a\":1}\n", 20_000));
        using var writer = new FrameTextWriter(_server, RunServerFrames.Output);

        var reading = ReadAllAsync();
        writer.Write(text);
        writer.Flush();
        _server.Dispose();
        var frames = await reading;

        Assert.Equal(text, Encoding.UTF8.GetString([.. frames.SelectMany(f => f.Payload)]));
        Assert.All(frames, f => Assert.Equal(RunServerFrames.Output, f.Kind));
        Assert.True(frames.Count >= text.Length / FrameTextWriter.ChunkChars, $"{frames.Count} frames");
        Assert.All(frames, f => Assert.True(f.Payload.Length <= Encoding.UTF8.GetMaxByteCount(FrameTextWriter.ChunkChars)));
    }

    [Fact]
    public async Task Write_CharByChar_GoesOutAtTheEndOfEachLineAndInOrder()
    {
        using var writer = new FrameTextWriter(_server, RunServerFrames.Error);

        var reading = ReadAllAsync();
        foreach (var c in "one\ntw")
        {
            writer.Write(c);
        }

        writer.WriteLine("o");
        writer.Write("three".AsSpan());
        writer.Write(['!', '\n'], 0, 2);
        _server.Dispose();
        var frames = await reading;

        Assert.Equal("one\n", Encoding.UTF8.GetString(frames[0].Payload));
        Assert.Equal("one\ntwo" + writer.NewLine + "three!\n", Encoding.UTF8.GetString([.. frames.SelectMany(f => f.Payload)]));
    }

    private async Task<List<(byte Kind, byte[] Payload)>> ReadAllAsync()
    {
        await Task.Yield();
        using var stream = new NetworkStream(_client, ownsSocket: false);
        var frames = new List<(byte, byte[])>();
        while (await RunServerFrames.ReadAsync(stream, CancellationToken.None) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    public void Dispose()
    {
        _server.Dispose();
        _client.Dispose();
        _folder.Dispose();
    }
}
