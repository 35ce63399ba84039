using System.Text;
using Microsoft.Win32.SafeHandles;
using Runner.Runtime;

namespace Runner.Scheduling;

/// <summary>
/// A worker's standard output (the event stream) and standard error, written straight to file descriptors 1 and 2.
/// On Unix every write through .NET's console streams takes Console.Out's lock. In a worker, what a script prints
/// reaches Runner already inside Console.Out's or Console.Error's lock (both are synchronized writers) and is echoed
/// to standard error at once: a tenant printing to standard error then waited for Console.Out while another tenant,
/// holding Console.Out, waited for that echo, and the worker hung until its hard limit. A file stream takes no
/// console lock, so no write here can wait for a script's console write.
/// Standard input is the host's pipe; it is taken for the worker alone (see <see cref="Input"/>).
/// </summary>
internal static class WorkerStreams
{
    /// <summary>
    /// The host's pipe, for the worker alone. A script that read its console (Console.ReadLine) read that pipe too and
    /// took a fire meant for the worker: the fire never ran (its run hung until its hard limit) and its order became
    /// the script's input. Descriptor 0 now reads /dev/null and Console.In is empty, so a script reading standard
    /// input sees its end at once, as a job started with no input would.
    /// </summary>
    public static TextReader Input()
    {
        Stream pipe;
        if (OperatingSystem.IsWindows())
        {
            pipe = Console.OpenStandardInput();
        }
        else
        {
            var own = Descriptors.Private(0);
            Descriptors.Empty(0);
            pipe = new FileStream(new SafeFileHandle(own, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        }

        // Console.In, if made already, holds a descriptor of its own on the pipe.
        Console.SetIn(TextReader.Null);
        return new StreamReader(pipe, new UTF8Encoding(false));
    }

    /// <summary>
    /// The event stream, for the worker alone: descriptor 1 is pointed at standard error, so whatever else writes there
    /// (a process a script starts inherits it; native code prints to it) lands in the worker's diagnostics instead of
    /// in the middle of an event line, which the host would no longer read as the run's end. The events go to a copy no
    /// child inherits: a process a script left running would otherwise keep the host from seeing the worker's end.
    /// </summary>
    public static TextWriter Output()
    {
        if (OperatingSystem.IsWindows())
        {
            return Writer(Console.OpenStandardOutput());
        }

        var own = Descriptors.Private(1);
        Descriptors.Redirect(2, 1);
        return Writer(new Descriptor(own, owned: true));
    }

    // Windows' console streams take no lock of Console's.
    public static TextWriter Error() => Writer(OperatingSystem.IsWindows() ? Console.OpenStandardError() : new Descriptor(2, owned: false));

    private static TextWriter Writer(Stream stream) =>
        TextWriter.Synchronized(new StreamWriter(stream, new UTF8Encoding(false), 4096, leaveOpen: false) { AutoFlush = true });

    /// <summary>Writes to a descriptor (inherited, or the worker's own copy of one). A reader that went away (the host ended) is not the
    /// writer's problem, as with Console's own streams: the bytes are dropped instead of failing a script's write.</summary>
    private sealed class Descriptor(int descriptor, bool owned) : Stream
    {
        private readonly FileStream _file = new(new SafeFileHandle(descriptor, ownsHandle: owned), FileAccess.Write, bufferSize: 0);
        private bool _gone;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_gone)
            {
                return;
            }

            try
            {
                _file.Write(buffer);
            }
            catch (IOException)
            {
                _gone = true;
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _file.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
