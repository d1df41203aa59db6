// The browser tests start a server and a Chromium per class and assert what a person sees while jobs run; running
// them one class at a time keeps the 2-core machine from starving the jobs they watch.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
