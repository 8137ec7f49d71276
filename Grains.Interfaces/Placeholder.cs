namespace OrleansScheduler; internal static class Placeholder {}
