namespace OrleansScheduler.Client; internal static class Placeholder {}
