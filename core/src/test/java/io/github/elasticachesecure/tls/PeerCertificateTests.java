package io.github.elasticachesecure.tls;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link PeerCertificate#namesHost(String)}, which tells a host-name mismatch
 * from other certificate failures in a probe's report.
 */
class PeerCertificateTests {

	@Test
	void exactNameOrAddressIgnoringCase() {
		PeerCertificate certificate = issuedFor("master.my-cache.abc123.use1.cache.amazonaws.com", "127.0.0.1");
		assertThat(certificate.namesHost("master.my-cache.abc123.use1.cache.amazonaws.com")).isTrue();
		assertThat(certificate.namesHost("MASTER.My-Cache.abc123.use1.cache.amazonaws.com")).isTrue();
		assertThat(certificate.namesHost("127.0.0.1")).isTrue();
		assertThat(certificate.namesHost("replica.my-cache.abc123.use1.cache.amazonaws.com")).isFalse();
		assertThat(certificate.namesHost("127.0.0.2")).isFalse();
	}

	@Test
	void wildcardStandsForTheFirstLabelOnly() {
		// As ElastiCache's own certificates: one wildcard name for every node of the
		// cache.
		PeerCertificate certificate = issuedFor("*.my-cache.abc123.use1.cache.amazonaws.com");
		assertThat(certificate.namesHost("clustercfg.my-cache.abc123.use1.cache.amazonaws.com")).isTrue();
		assertThat(certificate.namesHost("Node-0001.MY-CACHE.abc123.use1.cache.amazonaws.com")).isTrue();
		assertThat(certificate.namesHost("my-cache.abc123.use1.cache.amazonaws.com")).as("the bare domain").isFalse();
		assertThat(certificate.namesHost("a.b.my-cache.abc123.use1.cache.amazonaws.com")).as("two labels").isFalse();
		assertThat(certificate.namesHost("other-cache.abc123.use1.cache.amazonaws.com")).isFalse();
		assertThat(certificate.namesHost(".my-cache.abc123.use1.cache.amazonaws.com")).as("an empty label").isFalse();
	}

	@Test
	void wildcardOnlyCountsAtTheStart() {
		assertThat(issuedFor("a.*.example.com").namesHost("a.b.example.com")).isFalse();
		assertThat(issuedFor("*example.com").namesHost("aexample.com")).isFalse();
	}

	@Test
	void certificateWithoutNamesNamesNoHost() {
		assertThat(issuedFor().namesHost("localhost")).isFalse();
	}

	private static PeerCertificate issuedFor(String... names) {
		return new PeerCertificate("CN=test", "CN=Test CA", List.of(names), Instant.parse("2030-01-01T00:00:00Z"));
	}

}
