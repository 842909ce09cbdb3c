package io.github.elasticachesecure.cache;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.github.elasticachesecure.cache.ApplicationZone.Source;
import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testsupport.FakeEcsTaskMetadata;
import io.github.elasticachesecure.testsupport.FakeInstanceMetadata;
import io.github.elasticachesecure.testsupport.SilentTcpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of {@link ApplicationZoneLookup} against loopback stand-ins of the IMDSv2 and ECS
 * task metadata endpoints, which answer in the real wire format. The settings come from a
 * map, never from this machine's environment or system properties, and every test names a
 * loopback endpoint for IMDS or disables it, and sets the ECS variable only to a loopback
 * stand-in: no test can reach 169.254.169.254 or 169.254.170.2.
 */
class ApplicationZoneLookupIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	/**
	 * Added to the lookup's own bound for the upper bound of a failed lookup: what a
	 * loaded 2-core machine may add.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(2);

	private static ApplicationZoneLookup lookup(Map<String, String> settings) {
		return new ApplicationZoneLookup(settings::get, TIMEOUT);
	}

	@Test
	void imdsGivesTheZoneAfterATokenRequest() {
		try (FakeInstanceMetadata imds = FakeInstanceMetadata.start("us-east-1b")) {
			ApplicationZone zone = lookup(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint())).lookUp();
			assertThat(zone).isEqualTo(new ApplicationZone("us-east-1b", Source.IMDS));
			assertThat(imds.requests()).containsExactly("PUT /latest/api/token 200",
					"GET /latest/meta-data/placement/availability-zone 200");
		}
	}

	@Test
	void theSdksSystemPropertyNamesTheImdsEndpointToo() {
		try (FakeInstanceMetadata imds = FakeInstanceMetadata.start("eu-west-1c")) {
			// A trailing slash, as users write it, and the variable pointing elsewhere:
			// the system property wins, as in the SDK.
			ApplicationZone zone = lookup(Map.of("aws.ec2MetadataServiceEndpoint", imds.endpoint() + "/",
					"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + FreePorts.unusedLoopbackPort()))
				.lookUp();
			assertThat(zone.zone()).isEqualTo("eu-west-1c");
		}
	}

	@Test
	void theImdsStandInRefusesAReadWithoutAValidTokenAsImdsV2Does() throws IOException {
		try (FakeInstanceMetadata imds = FakeInstanceMetadata.start("us-east-1b")) {
			String zone = imds.endpoint() + ApplicationZoneLookup.ZONE_PATH;
			assertThat(status("GET", zone, null, null)).isEqualTo(401);
			assertThat(status("GET", zone, ApplicationZoneLookup.TOKEN_HEADER, "made-up")).isEqualTo(401);
			assertThat(status("PUT", imds.endpoint() + ApplicationZoneLookup.TOKEN_PATH, null, null)).isEqualTo(400);
			assertThat(status("PUT", imds.endpoint() + ApplicationZoneLookup.TOKEN_PATH,
					ApplicationZoneLookup.TOKEN_TTL_HEADER, "21601"))
				.isEqualTo(400);
			assertThat(imds.requests()).containsExactly("GET /latest/meta-data/placement/availability-zone 401",
					"GET /latest/meta-data/placement/availability-zone 401", "PUT /latest/api/token 400",
					"PUT /latest/api/token 400");
		}
	}

	@Test
	void aFargateTaskGivesTheZoneFromItsTaskMetadataAndImdsIsNotAsked() {
		try (FakeEcsTaskMetadata ecs = FakeEcsTaskMetadata.fargate("us-east-1c");
				FakeInstanceMetadata imds = FakeInstanceMetadata.start("us-east-1b")) {
			ApplicationZone zone = lookup(Map.of("ECS_CONTAINER_METADATA_URI_V4", ecs.uri(),
					"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()))
				.lookUp();
			assertThat(zone).isEqualTo(new ApplicationZone("us-east-1c", Source.ECS_TASK_METADATA));
			assertThat(ecs.requests()).singleElement().asString().startsWith("GET /v4/").endsWith("/task 200");
			assertThat(imds.requests()).isEmpty();
		}
	}

	@Test
	void aTaskOnEc2ReportsNoZoneSoImdsIsAsked() {
		try (FakeEcsTaskMetadata ecs = FakeEcsTaskMetadata.onEc2();
				FakeInstanceMetadata imds = FakeInstanceMetadata.start("us-east-1b")) {
			ApplicationZone zone = lookup(Map.of("ECS_CONTAINER_METADATA_URI_V4", ecs.uri(),
					"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()))
				.lookUp();
			assertThat(zone).isEqualTo(new ApplicationZone("us-east-1b", Source.IMDS));
		}
	}

	@Test
	void unreachableEndpointsFailWithWhatWasTried() {
		int ecsPort = FreePorts.unusedLoopbackPort();
		int imdsPort = FreePorts.unusedLoopbackPort();
		ApplicationZoneLookup lookup = lookup(
				Map.of("ECS_CONTAINER_METADATA_URI_V4", "http://127.0.0.1:" + ecsPort + "/v4/abc",
						"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + imdsPort));
		assertThatExceptionOfType(ApplicationZoneUnavailableException.class).isThrownBy(lookup::lookUp)
			.satisfies((ex) -> assertThat(ex.getAttempts()).satisfiesExactly(
					(ecs) -> assertThat(ecs).startsWith("ECS task metadata at http://127.0.0.1:" + ecsPort
							+ "/v4/abc/task: unreachable (ConnectException: "),
					(imds) -> assertThat(imds)
						.startsWith("IMDSv2 at http://127.0.0.1:" + imdsPort + ": unreachable (ConnectException: ")
						.endsWith("; 2 attempts, each bounded by 1000 ms to connect and to read)")));
	}

	@Test
	void aSilentImdsFailsWithinTheBound() {
		try (SilentTcpServer silent = SilentTcpServer.start()) {
			ApplicationZoneLookup lookup = lookup(
					Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + silent.port()));
			long start = System.nanoTime();
			assertThatExceptionOfType(ApplicationZoneUnavailableException.class).isThrownBy(lookup::lookUp)
				.withMessageContaining("IMDSv2 at http://127.0.0.1:" + silent.port() + ": unreachable")
				.withMessageContaining("SocketTimeoutException");
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			// Two attempts of the token request, each read bounded by 1 s.
			assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.multipliedBy(ApplicationZoneLookup.ATTEMPTS))
				.isLessThan(TIMEOUT.multipliedBy(ApplicationZoneLookup.ATTEMPTS).plus(MARGIN));
		}
	}

	private static int status(String method, String url, String header, String value) throws IOException {
		HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
		try {
			connection.setRequestMethod(method);
			if (header != null) {
				connection.setRequestProperty(header, value);
			}
			if ("PUT".equals(method)) {
				connection.setDoOutput(true);
				connection.getOutputStream().close();
			}
			return connection.getResponseCode();
		}
		finally {
			connection.disconnect();
		}
	}

}
