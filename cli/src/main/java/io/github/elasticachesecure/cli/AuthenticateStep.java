package io.github.elasticachesecure.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.github.elasticachesecure.logging.Causes;
import io.github.elasticachesecure.tls.LiveTlsSession;
import io.github.elasticachesecure.tls.TlsSessionPolicy;
import io.github.elasticachesecure.tls.TlsSessionRefusedException;
import io.github.elasticachesecure.tls.WireCheck;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;

/**
 * Connects with Lettuce, as the starter does (TLS with full verification and the same
 * trust as the probe, behind the starter's wire check), which authenticates in the
 * connection handshake ({@code HELLO 3 AUTH} or {@code AUTH}); the protocol and cipher
 * suite it reports are those of that connection's live session. Rejections are recognized
 * with the starter's guard, as at application startup. Runs only against an endpoint the
 * TLS step verified.
 */
final class AuthenticateStep implements DoctorStep {

	private static final String MINIMUM_PROTOCOL = "TLSv1.2";

	static final String NO_CREDENTIALS_FIX = "Give the credentials: " + CommandEnvironment.PASSWORD_VARIABLE
			+ " (with --user for an RBAC user), or --iam with --user and --region.";

	@Override
	public String name() {
		return "authenticate";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		diagnosis.verifiedTls();
		ElastiCacheEndpoint endpoint = diagnosis.endpoint();
		RedisCredentials credentials = diagnosis.credentials();
		RedisURI uri = RedisURI.builder()
			.withHost(endpoint.host())
			.withPort(endpoint.port())
			.withSsl(true)
			.withVerifyPeer(SslVerifyMode.FULL)
			.withTimeout(diagnosis.timeout())
			.withAuthentication(RedisCredentialsProvider.from(() -> credentials))
			.build();
		// The starter's wire check: nothing is sent before the live TLS session passed,
		// and what it negotiated is reported from that session.
		WireCheck wireCheck = new WireCheck(new TlsSessionPolicy(MINIMUM_PROTOCOL, SslVerifyMode.FULL),
				Clock.systemUTC());
		ClientResources resources = ClientResources.builder().nettyCustomizer(wireCheck.around(new NettyCustomizer() {
		})).build();
		RedisClient client = RedisClient.create(resources, uri);
		client.setOptions(ClientOptions.builder()
			.sslOptions(diagnosis.trust().sslOptions())
			.socketOptions(SocketOptions.builder().connectTimeout(diagnosis.timeout()).build())
			.timeoutOptions(TimeoutOptions.enabled(diagnosis.timeout()))
			// one attempt: a doctor reports what happened rather than retrying
			.autoReconnect(false)
			.build());
		StatefulRedisConnection<String, String> connection;
		try {
			connection = client.connect();
		}
		catch (RuntimeException ex) {
			client.shutdown(Duration.ZERO, diagnosis.timeout());
			resources.shutdown(0, diagnosis.timeout().toMillis(), TimeUnit.MILLISECONDS);
			return failure(diagnosis, credentials, ex);
		}
		diagnosis.connection(client, resources, connection);
		String user = user(credentials);
		LiveTlsSession session = wireCheck.sessions().latest(endpoint.host(), endpoint.port());
		String over = (session != null) ? "over " + session.protocol() + " (" + session.cipherSuite() + ")"
				: "over TLS";
		StepResult result = credentials.hasPassword()
				? StepResult.pass(name(), "authenticated as user '" + user + "' " + over).with("user", user)
				: StepResult.pass(name(), "connected " + over + " without AUTH").with("user", user);
		return (session != null)
				? result.with("protocol", session.protocol()).with("cipherSuite", session.cipherSuite()) : result;
	}

	private StepResult failure(Diagnosis diagnosis, RedisCredentials credentials, RuntimeException ex) {
		String user = user(credentials);
		String rejection = AuthenticationRejectedException.findServerRejection(ex);
		if (rejection != null && !credentials.hasPassword()) {
			return StepResult.fail(name(), "the server requires authentication: " + rejection, NO_CREDENTIALS_FIX);
		}
		if (rejection != null) {
			return StepResult.fail(name(), "the server rejected the credentials of user '" + user + "': " + rejection,
					rejectionFix(diagnosis));
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof TlsSessionRefusedException refused) {
				return StepResult.fail(name(), refused.getMessage(), "The live TLS session must run TLS 1.2 or later "
						+ "with an AEAD cipher suite with forward secrecy and a certificate naming the host, as "
						+ "ElastiCache's do: check the protocols and cipher suites this JVM allows.");
			}
		}
		String refusal = AuthenticationRejectedException.findPermissionRefusal(ex);
		if (refusal != null) {
			return StepResult.fail(name(),
					"user '" + user + "' authenticated but may not open a connection: " + refusal,
					"Let the user run the commands a client sends to connect: add '+@connection' to its "
							+ "access string.");
		}
		return StepResult.fail(name(), "cannot connect: " + Causes.describe(ex),
				"Check the endpoint, and that this host can reach it (see the connect and tls steps).");
	}

	static String rejectionFix(Diagnosis diagnosis) {
		if (diagnosis.settings().iam()) {
			return "Check that the ElastiCache user exists with authentication mode IAM (user name and user id "
					+ "identical, as --user), belongs to a user group attached to the cache, that --cache and --region "
					+ "name the cache (--serverless for a serverless cache), and that the IAM policy of these AWS "
					+ "credentials allows 'elasticache:Connect' on both the cache ARN and the user ARN.";
		}
		return "Check --user and the password in " + CommandEnvironment.PASSWORD_VARIABLE + ": the user must exist "
				+ "and be enabled ('on') with that password. For the AUTH token of the default user, leave --user out.";
	}

	private static String user(RedisCredentials credentials) {
		return credentials.hasUsername() ? credentials.getUsername() : "default";
	}

}
