package io.github.elasticachesecure.cli;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Set;

import io.github.elasticachesecure.tls.TlsEndpointProbe;
import io.github.elasticachesecure.tls.TlsProbeResult;
import io.lettuce.core.SslVerifyMode;

/**
 * Probes the endpoint with the starter's {@link TlsEndpointProbe}, as its startup guard
 * does: a TLS handshake that verifies the certificate chain and the host name
 * ({@link SslVerifyMode#FULL}), nothing sent over it.
 */
final class TlsStep implements DoctorStep {

	private static final Set<String> CURRENT_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

	@Override
	public String name() {
		return "tls";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		diagnosis.reachableAddress();
		String host = diagnosis.endpoint().host();
		int port = diagnosis.endpoint().port();
		TrustMaterial trust;
		TlsProbeResult result;
		try {
			trust = TrustMaterial.load(diagnosis.settings().caFile());
			result = new TlsEndpointProbe(diagnosis.timeout()).probe(host, port, trust.sslContext(),
					SslVerifyMode.FULL);
		}
		catch (IOException | GeneralSecurityException ex) {
			return StepResult.fail(name(), "cannot load the certificate authorities of --ca-file: " + ex.getMessage(),
					"Give --ca-file a readable PEM file of CA certificates, or leave it out to trust the JDK's "
							+ "default trust store (enough for ElastiCache).");
		}
		diagnosis.trust(trust);
		diagnosis.tlsProbe(result);
		String trusted = "verified against " + trust.description();
		return switch (result.outcome()) {
			case SECURE -> secure(result, trusted);
			case NOT_TLS -> StepResult.fail(name(), result.endpoint() + " does not speak TLS: " + result.detail(),
					"Connect to the TLS endpoint of a cache with in-transit encryption enabled and transit "
							+ "encryption mode 'required'. A cache created without encryption has a different "
							+ "endpoint name and must be migrated; the starter never connects in plaintext.");
			case UNTRUSTED_CERTIFICATE -> StepResult.fail(name(),
					"the certificate of " + result.endpoint() + " is not trusted (" + trusted + "): " + result.detail(),
					"If the server uses a private CA, pass its certificate with --ca-file <PEM> (and to the "
							+ "application with an SSL bundle, 'elasticache.secure.tls.bundle'). ElastiCache's "
							+ "certificates chain to the JDK's default trust store, so an untrusted certificate there "
							+ "means the endpoint is not the cache you expect.");
			case HOST_NAME_MISMATCH ->
				StepResult.fail(name(), "the certificate of " + result.endpoint() + " is not issued for '" + host + "'",
						"Connect with a host name the certificate lists (see the certificate step): the ElastiCache "
								+ "endpoint DNS name, not an IP address or a CNAME of your own.");
			case HANDSHAKE_FAILED ->
				StepResult.fail(name(), result.endpoint() + " speaks TLS, but the handshake failed: " + result.detail(),
						"Check the protocols and cipher suites this JVM allows (jdk.tls.disabledAlgorithms); "
								+ "ElastiCache public endpoints need TLS 1.3.");
			case UNREACHABLE -> StepResult.fail(name(), result.endpoint() + " could not be reached: " + result.detail(),
					ConnectStep.FIX);
		};
	}

	private StepResult secure(TlsProbeResult result, String trusted) {
		String summary = result.protocol() + ", " + result.cipherSuite() + ", certificate " + trusted
				+ " for host name '" + result.host() + "'";
		StepResult secure = CURRENT_PROTOCOLS.contains(result.protocol()) ? StepResult.pass(name(), summary)
				: StepResult.warn(name(), summary, "Disable TLS versions before 1.2 on the client: they have known "
						+ "weaknesses, and ElastiCache accepts TLS 1.2 and 1.3.");
		return secure.with("protocol", String.valueOf(result.protocol()))
			.with("cipherSuite", String.valueOf(result.cipherSuite()));
	}

}
