using Microsoft.Extensions.Options;

namespace OrleansScheduler.Client;

/// <summary>Fails the host's start on options no client could connect with.</summary>
internal sealed class JobSchedulerClientOptionsValidator : IValidateOptions<JobSchedulerClientOptions>
{
    public ValidateOptionsResult Validate(string? name, JobSchedulerClientOptions options)
    {
        var errors = new List<string>();
        if (options.GatewayPort is < 1 or > 65535)
            errors.Add($"JobSchedulerClientOptions.GatewayPort must be between 1 and 65535 (was {options.GatewayPort}).");
        if (string.IsNullOrWhiteSpace(options.ClusterId))
            errors.Add("JobSchedulerClientOptions.ClusterId must not be empty; use the silos' cluster id.");
        if (string.IsNullOrWhiteSpace(options.ServiceId))
            errors.Add("JobSchedulerClientOptions.ServiceId must not be empty; use the silos' service id.");
        if (!string.IsNullOrWhiteSpace(options.RedisConnectionString) && RedisGateways.Problem(options.RedisConnectionString) is { } problem)
            errors.Add($"JobSchedulerClientOptions.RedisConnectionString {problem}");
        if (options.ConnectTimeout <= TimeSpan.Zero)
            errors.Add($"JobSchedulerClientOptions.ConnectTimeout must be > 0 (was {options.ConnectTimeout}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
