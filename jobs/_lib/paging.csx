// _lib/paging.csx: shared helpers for jobs (load with #load "_lib/paging.csx"; paths are relative to the loading file).
#load "../_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line

/// <summary>Every item of a Graph collection, following @odata.nextLink page by page.</summary>
async Task<List<TItem>> AllPagesAsync<TItem, TPage>(TPage? firstPage)
    where TPage : Microsoft.Kiota.Abstractions.Serialization.IParsable, Microsoft.Kiota.Abstractions.Serialization.IAdditionalDataHolder, new()
{
    var items = new List<TItem>();
    if (firstPage is null)
    {
        return items;
    }

    var iterator = PageIterator<TItem, TPage>.CreatePageIterator(Graph, firstPage, item =>
    {
        items.Add(item);
        return true;
    });
    await iterator.IterateAsync(CancellationToken);
    return items;
}

/// <summary>Whole days from <paramref name="then"/> to now (UTC), or null when there is no date.</summary>
int? DaysSince(DateTimeOffset? then) => then is { } value ? (int)Math.Floor((DateTimeOffset.UtcNow - value).TotalDays) : null;
