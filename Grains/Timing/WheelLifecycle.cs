namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// Stops the silo's timing wheel as soon as the silo starts shutting down, before grains and streams go: nothing fires
/// into a silo that can no longer serve it (the jobs resume from their persisted state wherever they activate next).
/// </summary>
internal sealed class WheelLifecycle(TimingWheelDriver driver) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WheelLifecycle), ServiceLifecycleStage.Active, _ => Task.CompletedTask, _ =>
        {
            driver.Dispose();
            return Task.CompletedTask;
        });
}
