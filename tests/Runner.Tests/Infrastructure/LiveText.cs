namespace Runner.Tests.Infrastructure;

/// <summary>Text a command writes from any thread, readable while it runs.</summary>
public sealed class LiveText
{
    private readonly StringWriter _text = new();

    public LiveText() => Writer = TextWriter.Synchronized(_text);

    public TextWriter Writer { get; }

    public string Text
    {
        get
        {
            // TextWriter.Synchronized locks the wrapper for each write.
            lock (Writer)
            {
                return _text.ToString();
            }
        }
    }
}
