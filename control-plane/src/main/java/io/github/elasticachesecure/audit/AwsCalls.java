package io.github.elasticachesecure.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs the audit's {@code Describe*} calls within one deadline, and turns what can go
 * wrong (a missing permission, throttling, a timeout, an unreachable endpoint) into a
 * finding of severity {@link Severity#WARNING} that names the IAM action or the cause,
 * instead of an exception.
 */
final class AwsCalls {

	static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
			"UnauthorizedAccess", "AuthorizationError");

	private static final Set<String> THROTTLED = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded",
			"TooManyRequestsException");

	private final Clock clock;

	private final Instant deadline;

	private final Duration timeout;

	private final List<Finding> findings;

	AwsCalls(Clock clock, Duration timeout, List<Finding> findings) {
		this.clock = clock;
		this.timeout = timeout;
		this.deadline = clock.instant().plus(timeout);
		this.findings = findings;
	}

	/**
	 * Run one call with the time left, as the request's API call timeout.
	 * @param action the IAM action, such as {@code elasticache:DescribeUsers}
	 * @param check the check that needs the call, for the finding when it fails
	 * @param call the call, given the override configuration to put on its request
	 * @return the result, or {@code null} when the call failed (a finding then says why)
	 */
	<T> @Nullable T call(String action, String check, Function<AwsRequestOverrideConfiguration, T> call) {
		Duration left = Duration.between(this.clock.instant(), this.deadline);
		if (left.isNegative() || left.isZero()) {
			this.findings.add(timeout(action, check));
			return null;
		}
		try {
			return call.apply(AwsRequestOverrideConfiguration.builder().apiCallTimeout(left).build());
		}
		catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException ex) {
			this.findings.add(timeout(action, check));
		}
		catch (AwsServiceException ex) {
			this.findings.add(serviceError(action, check, ex));
		}
		catch (SdkException ex) {
			this.findings.add(Finding.fail("api-error", Severity.WARNING,
					action + " failed, so '" + check + "' was not checked: " + ex.getClass().getSimpleName() + ": "
							+ ex.getMessage(),
					"Check that the application reaches the AWS API endpoint (VPC endpoint or NAT, proxy, "
							+ "AWS_ENDPOINT_URL) and run the audit again."));
		}
		return null;
	}

	private Finding timeout(String action, String check) {
		return Finding.fail("timeout", Severity.WARNING,
				action + " did not answer within the audit's " + this.timeout.toMillis() + " ms, so '" + check
						+ "' was not checked.",
				"Check the path to the AWS API endpoint, or raise elasticache.secure.audit.timeout.");
	}

	private static Finding serviceError(String action, String check, AwsServiceException ex) {
		String code = (ex.awsErrorDetails() != null) ? ex.awsErrorDetails().errorCode() : null;
		if (code != null && ACCESS_DENIED.contains(code)) {
			return Finding.fail("missing-permission", Severity.WARNING,
					"The application's AWS identity may not " + "call " + action + " (" + code + "), so '" + check
							+ "' was not checked.",
					"Allow the IAM action '" + action + "' to the application's role (see the audit policy in "
							+ "docs/operations.md).");
		}
		if (ex.isThrottlingException() || (code != null && THROTTLED.contains(code))) {
			return Finding.fail("throttled", Severity.WARNING,
					action + " was throttled by AWS (" + code + "), so '" + check + "' was not checked.",
					"Run the audit again later; other callers in the account " + "share the API rate.");
		}
		return Finding.fail("api-error", Severity.WARNING,
				action + " failed with " + code + " (HTTP " + ex.statusCode() + "), so '" + check
						+ "' was not checked.",
				"See the AWS error code " + code + " for " + action + ", and run the audit again.");
	}

}
