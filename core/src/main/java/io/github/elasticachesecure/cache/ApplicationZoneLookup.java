package io.github.elasticachesecure.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.github.elasticachesecure.cache.ApplicationZone.Source;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Finds the Availability Zone the application runs in, for reads from the replicas of the
 * same zone when none is configured. First the ECS task metadata endpoint, when ECS set
 * {@code ECS_CONTAINER_METADATA_URI_V4}: the {@code AvailabilityZone} of its
 * {@code /task} document (which ECS reports for Fargate tasks). Else the EC2 instance
 * metadata service, version 2 only: a session token from {@code PUT /latest/api/token},
 * then {@code GET /latest/meta-data/placement/availability-zone} with it; it never falls
 * back to IMDSv1. Each request is bounded (by default 1 s to connect and 1 s to read, two
 * attempts, the second only after a network failure or a 5xx answer) so that a start away
 * from AWS is not held up, goes to the endpoint directly (never through a proxy), and the
 * token is never logged nor reported.
 * <p>
 * The IMDS settings are the AWS SDK's own ({@link SdkSystemSetting}), each read as its
 * system property, then as its environment variable, from the given settings: the
 * endpoint ({@code aws.ec2MetadataServiceEndpoint},
 * {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}), the endpoint mode ({@code IPv6} for
 * {@code http://[fd00:ec2::254]}) and {@code AWS_EC2_METADATA_DISABLED=true}
 * ({@code aws.disableEc2Metadata}), which skips the service. The profile file's
 * {@code ec2_metadata_service_endpoint} is not read.
 * <p>
 * Written on the JDK's {@code HttpURLConnection} rather than on the SDK's
 * {@code Ec2MetadataClient}: the SDK's {@code imds} module is not published for the SDK
 * version the starter is built on (Maven Central's last is 2.42.2, the build's BOM names
 * 2.57.8), and modules of different SDK versions are not to be mixed. Needs the SDK's
 * {@code sdk-core} and {@code json-utils}, which come with the ElastiCache client that
 * finds the cache's nodes and their zones.
 */
public final class ApplicationZoneLookup {

	// What ECS sets in each container of a task: the task metadata endpoint, version 4.
	static final String ECS_METADATA_URI = "ECS_CONTAINER_METADATA_URI_V4";

	static final String TOKEN_PATH = "/latest/api/token";

	static final String ZONE_PATH = "/latest/meta-data/placement/availability-zone";

	static final String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";

	static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

	static final int ATTEMPTS = 2;

	// The token serves the one request that follows.
	private static final String TOKEN_TTL_SECONDS = "60";

	private static final String IPV6_ENDPOINT = "http://[fd00:ec2::254]";

	private static final Pattern ZONE_NAME = Pattern.compile("[a-z0-9-]{1,64}");

	// A task document with many containers stays far below this.
	private static final int MAX_BODY = 1024 * 1024;

	private final Function<String, @Nullable String> settings;

	private final Duration timeout;

	/**
	 * Create a lookup with the default bounds (1 s to connect, 1 s to read, two
	 * attempts).
	 * @param settings the value of a system property or environment variable by its name,
	 * or {@code null} when it is not set
	 */
	public ApplicationZoneLookup(Function<String, @Nullable String> settings) {
		this(settings, Duration.ofSeconds(1));
	}

	ApplicationZoneLookup(Function<String, @Nullable String> settings, Duration timeout) {
		this.settings = settings;
		this.timeout = timeout;
	}

	/**
	 * Look the zone up.
	 * @return the zone and where it came from
	 * @throws ApplicationZoneUnavailableException if no source gave a zone, with what was
	 * tried
	 */
	public ApplicationZone lookUp() {
		List<String> attempts = new ArrayList<>();
		String ecs = value(ECS_METADATA_URI);
		if (ecs == null) {
			attempts.add("ECS task metadata: not detected (" + ECS_METADATA_URI + " is not set)");
		}
		else {
			String zone = ecsZone(strip(ecs), attempts);
			if (zone != null) {
				return new ApplicationZone(zone, Source.ECS_TASK_METADATA);
			}
		}
		if ("true".equalsIgnoreCase(setting(SdkSystemSetting.AWS_EC2_METADATA_DISABLED))) {
			attempts.add("IMDSv2: disabled (" + SdkSystemSetting.AWS_EC2_METADATA_DISABLED.environmentVariable()
					+ " or " + SdkSystemSetting.AWS_EC2_METADATA_DISABLED.property() + " is true)");
		}
		else {
			String zone = imdsZone(imdsEndpoint(), attempts);
			if (zone != null) {
				return new ApplicationZone(zone, Source.IMDS);
			}
		}
		throw new ApplicationZoneUnavailableException(attempts);
	}

	private @Nullable String ecsZone(String base, List<String> attempts) {
		String where = "ECS task metadata at " + base + "/task";
		try {
			Response response = send("GET", base + "/task", Map.of());
			if (response.status() != 200) {
				attempts.add(where + ": answered HTTP " + response.status());
				return null;
			}
			String zone = jsonZone(response.body());
			if (zone == null) {
				attempts.add(where + ": no AvailabilityZone in the task's metadata (ECS reports it for Fargate tasks)");
				return null;
			}
			return zoneName(zone, where, attempts);
		}
		catch (IOException | IllegalArgumentException ex) {
			attempts.add(where + ": " + unreachable(ex));
			return null;
		}
	}

	private @Nullable String imdsZone(String endpoint, List<String> attempts) {
		String where = "IMDSv2 at " + endpoint;
		try {
			Response token = send("PUT", endpoint + TOKEN_PATH, Map.of(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS));
			if (token.status() != 200 || token.body().isBlank()) {
				attempts
					.add(where + ": the token request (PUT " + TOKEN_PATH + ") was answered HTTP " + token.status());
				return null;
			}
			Response zone = send("GET", endpoint + ZONE_PATH, Map.of(TOKEN_HEADER, token.body().trim()));
			if (zone.status() != 200) {
				attempts.add(where + ": GET " + ZONE_PATH + " was answered HTTP " + zone.status());
				return null;
			}
			return zoneName(zone.body().trim(), where, attempts);
		}
		catch (IOException | IllegalArgumentException ex) {
			attempts.add(where + ": " + unreachable(ex));
			return null;
		}
	}

	private String unreachable(Exception ex) {
		if (ex instanceof IllegalArgumentException) {
			return "not a URL (" + ex.getMessage() + ")";
		}
		return "unreachable (" + ex.getClass().getSimpleName() + ": " + ex.getMessage() + "; " + ATTEMPTS
				+ " attempts, each bounded by " + this.timeout.toMillis() + " ms to connect and to read)";
	}

	private static @Nullable String zoneName(String zone, String where, List<String> attempts) {
		if (!ZONE_NAME.matcher(zone).matches()) {
			attempts.add(where + ": the answer is not an Availability Zone name");
			return null;
		}
		return zone;
	}

	private static @Nullable String jsonZone(String body) {
		try {
			JsonNode task = JsonNode.parser().parse(body);
			JsonNode zone = task.isObject() ? task.asObject().get("AvailabilityZone") : null;
			return (zone != null && zone.isString() && !zone.asString().isBlank()) ? zone.asString().trim() : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private String imdsEndpoint() {
		String endpoint = setting(SdkSystemSetting.AWS_EC2_METADATA_SERVICE_ENDPOINT);
		if (endpoint != null) {
			return strip(endpoint);
		}
		return "IPv6".equalsIgnoreCase(setting(SdkSystemSetting.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE)) ? IPV6_ENDPOINT
				: SdkSystemSetting.AWS_EC2_METADATA_SERVICE_ENDPOINT.defaultValue();
	}

	private @Nullable String setting(SdkSystemSetting setting) {
		String value = value(setting.property());
		return (value != null) ? value : value(setting.environmentVariable());
	}

	private @Nullable String value(String name) {
		String value = this.settings.apply(name);
		return (value != null && !value.isBlank()) ? value.trim() : null;
	}

	private static String strip(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	/**
	 * Send a request, once more after a network failure or a 5xx answer.
	 */
	private Response send(String method, String url, Map<String, String> headers) throws IOException {
		for (int attempt = 1;; attempt++) {
			try {
				Response response = sendOnce(method, URI.create(url), headers);
				if (response.status() < 500 || attempt == ATTEMPTS) {
					return response;
				}
			}
			catch (IOException ex) {
				if (attempt == ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	private Response sendOnce(String method, URI uri, Map<String, String> headers) throws IOException {
		// Never through a proxy: the metadata endpoints answer only on the host itself.
		HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
		try {
			connection.setConnectTimeout((int) this.timeout.toMillis());
			connection.setReadTimeout((int) this.timeout.toMillis());
			connection.setInstanceFollowRedirects(false);
			connection.setUseCaches(false);
			connection.setRequestMethod(method);
			headers.forEach(connection::setRequestProperty);
			if ("PUT".equals(method)) {
				// Streamed (no silent resend by the JDK) and empty.
				connection.setDoOutput(true);
				connection.setFixedLengthStreamingMode(0);
				try (OutputStream body = connection.getOutputStream()) {
					body.flush();
				}
			}
			int status = connection.getResponseCode();
			try (InputStream body = (status < 400) ? connection.getInputStream() : connection.getErrorStream()) {
				return new Response(status,
						(body != null) ? new String(body.readNBytes(MAX_BODY), StandardCharsets.UTF_8) : "");
			}
		}
		finally {
			connection.disconnect();
		}
	}

	private record Response(int status, String body) {

	}

}
