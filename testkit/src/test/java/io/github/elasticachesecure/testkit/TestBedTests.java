package io.github.elasticachesecure.testkit;

import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests of the test kit itself that need no server: finding the server binary, the
 * start-up failure hints and the throw-away PKI.
 */
class TestBedTests {

	@Test
	void missingBinaryExplainsWhatToInstall() {
		assertThat(RedisServerProcess.findServerBinary()).isExecutable();
		assertThatThrownBy(() -> RedisServerProcess.findServerBinary(java.util.Map.of("PATH", "/nonexistent")))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("apt-get install redis-server")
			.hasMessageContaining(RedisServerProcess.BINARY_ENV);
		assertThatThrownBy(() -> RedisServerProcess
			.findServerBinary(java.util.Map.of(RedisServerProcess.BINARY_ENV, "/nonexistent/redis-server")))
			.hasMessageContaining("/nonexistent/redis-server");
	}

	@Test
	void aServerBuiltWithoutTlsIsNamedAsTheCause() {
		// what redis-server 7.0 built with BUILD_TLS=no logs for the generated
		// configuration
		String log = "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 9\n"
				+ ">>> 'tls-port 6390'\nBad directive or wrong number of arguments";
		assertThat(RedisServerProcess.Builder.hint(log)).contains("built without TLS")
			.contains(RedisServerProcess.BINARY_ENV);
		assertThat(RedisServerProcess.Builder.hint("Address already in use")).isEmpty();
	}

	@Test
	void pkiCertificates() throws Exception {
		TestPki pki = TestPki.get();
		X509Certificate localhost = pki.localhost().certificate();
		localhost.verify(pki.trustedCa().certificate().getPublicKey());
		assertThat(pki.localhost().subject()).isEqualTo("CN=localhost,O=testbed");
		assertThat(pki.localhost().issuerName()).isEqualTo(pki.trustedCa().subject());
		assertThat(localhost.getSubjectAlternativeNames()).extracting((san) -> (Object) san.get(1))
			.containsExactlyInAnyOrder("localhost", "127.0.0.1");
		assertThat(pki.wrongHost().certificate().getSubjectAlternativeNames()).extracting((san) -> (Object) san.get(1))
			.containsExactly(TestPki.WRONG_HOST_NAME);
		assertThat(pki.untrustedLocalhost().issuerName()).isEqualTo(pki.untrustedCa().subject())
			.isNotEqualTo(pki.trustedCa().subject());
		assertThat(pki.trustedCa().trustStore().getCertificate("ca")).isEqualTo(pki.trustedCa().certificate());
		assertThat(Files.readString(pki.trustedCa().certificatePem())).startsWith("-----BEGIN CERTIFICATE-----");
		assertThat(Files.readString(pki.localhost().privateKeyPem())).startsWith("-----BEGIN PRIVATE KEY-----");
		assertThat(pki.localhostValidFor(Duration.ofDays(5)).notAfter())
			.isBetween(Instant.now().plus(Duration.ofDays(5)).minusSeconds(60), Instant.now().plus(Duration.ofDays(5)));
		assertThat(pki.localhostValidFor(Duration.ofDays(5))).isSameAs(pki.localhostValidFor(Duration.ofDays(5)));
		assertThat(pki.directory()).isDirectory();
		assertThat(List.of(pki.localhost().certificatePem(), pki.localhost().chainPem())).allMatch(Files::isReadable);
	}

}
