package io.github.elasticachesecure.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * AWS Secrets Manager's {@code GetSecretValue} on loopback, in the real protocol (JSON
 * 1.1: {@code POST /} with {@code X-Amz-Target: secretsmanager.GetSecretValue}, a
 * SigV4-signed request, errors as {@code {"__type": …}}), so that an application reads
 * its ElastiCache password through the AWS SDK's own client while a test rotates it. Each
 * {@link #putSecretValue(String, String)} makes a new version current, as a rotation
 * does; {@link #failWith(String, String, String)} makes a secret unreadable (for instance
 * {@code AccessDeniedException}) until {@link #restore(String)}. Only the current version
 * ({@code AWSCURRENT}) is served. Secret values are never printed. <pre>{@code
 * &#64;RegisterExtension
 * static final LocalSecretsManager secrets = LocalSecretsManager.create();
 * // secrets.putSecretValue("app/redis", "{\"username\":\"app\",\"password\":\"…\"}");
 * // elasticache.secure.auth.secret=app/redis; AWS credentials of any value
 * }</pre> Registered as a JUnit 5 extension on a {@code static} field, it sets the AWS
 * SDK's system property {@value #ENDPOINT_PROPERTY} (as
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} would) to itself before all tests and clears
 * it after them.
 */
public final class LocalSecretsManager implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

	/**
	 * The AWS SDK's system property for the Secrets Manager endpoint.
	 */
	public static final String ENDPOINT_PROPERTY = "aws.endpointUrlSecretsManager";

	private static final String TARGET = "secretsmanager.GetSecretValue";

	private static final Pattern SECRET_ID = Pattern.compile("\"SecretId\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private final String region;

	private final HttpServer server;

	private final Map<String, Version> secrets = new ConcurrentHashMap<>();

	private final Map<String, Failure> failures = new ConcurrentHashMap<>();

	private final AtomicInteger calls = new AtomicInteger();

	private record Version(String id, String value, long createdSeconds) {
	}

	private record Failure(String code, String message) {
	}

	private LocalSecretsManager(String region) {
		this.region = region;
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the Secrets Manager stand-in", ex);
		}
		this.server.setExecutor(Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "local-secrets-manager");
			thread.setDaemon(true);
			return thread;
		}));
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/**
	 * @return a running stand-in whose secrets are in {@code us-east-1}
	 */
	public static LocalSecretsManager create() {
		return create("us-east-1");
	}

	/**
	 * @param region the region in the secrets' ARNs
	 * @return a running stand-in
	 */
	public static LocalSecretsManager create(String region) {
		return new LocalSecretsManager(region);
	}

	/**
	 * @return the endpoint, {@code http://127.0.0.1:<port>}
	 */
	public String endpointUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/**
	 * Store a new value of the secret (created if absent) as its current version.
	 * @param name the secret's name
	 * @param value its string value: JSON or plain text
	 * @return the new version id
	 */
	public String putSecretValue(String name, String value) {
		Objects.requireNonNull(value, "'value' must not be null");
		String versionId = UUID.randomUUID().toString();
		this.secrets.put(name, new Version(versionId, value, System.currentTimeMillis() / 1000));
		return versionId;
	}

	/**
	 * @param name the secret's name
	 * @return its ARN, by which it can be read too
	 */
	public String arn(String name) {
		return "arn:aws:secretsmanager:" + this.region + ":123456789012:secret:" + name + "-AbCdEf";
	}

	/**
	 * Answer every read of the secret with an error until {@link #restore(String)}.
	 * @param name the secret's name
	 * @param errorCode Secrets Manager's error code, such as
	 * {@code AccessDeniedException}, {@code DecryptionFailure} or
	 * {@code ResourceNotFoundException}
	 * @param message the error's message
	 */
	public void failWith(String name, String errorCode, String message) {
		this.failures.put(name, new Failure(errorCode, message));
	}

	/**
	 * Answer reads of the secret again.
	 * @param name the secret's name
	 */
	public void restore(String name) {
		this.failures.remove(name);
	}

	/**
	 * @return how many {@code GetSecretValue} requests were answered, failures included
	 */
	public int getSecretValueCalls() {
		return this.calls.get();
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		if (!"POST".equals(exchange.getRequestMethod()) || !TARGET.equals(target)) {
			reply(exchange, 400, error("UnknownOperationException", "not served by this stand-in: " + target));
			return;
		}
		if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")
				|| !authorization.contains("/" + this.region + "/secretsmanager/aws4_request")) {
			reply(exchange, 400, error("IncompleteSignatureException",
					"the request must be SigV4-signed for secretsmanager in " + this.region));
			return;
		}
		this.calls.incrementAndGet();
		Matcher matcher = SECRET_ID.matcher(body);
		String secretId = matcher.find() ? unescape(matcher.group(1)) : "";
		String name = nameOf(secretId);
		Failure failure = (name != null) ? this.failures.get(name) : null;
		Version version = (name != null) ? this.secrets.get(name) : null;
		if (failure != null) {
			reply(exchange, 400, error(failure.code(), failure.message()));
		}
		else if (version == null) {
			reply(exchange, 400,
					error("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
		}
		else {
			reply(exchange, 200, "{\"ARN\":" + quote(arn(name)) + ",\"Name\":" + quote(name) + ",\"VersionId\":"
					+ quote(version.id()) + ",\"SecretString\":" + quote(version.value())
					+ ",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":" + version.createdSeconds() + ".0}");
		}
	}

	private @Nullable String nameOf(String secretId) {
		if (this.secrets.containsKey(secretId) || this.failures.containsKey(secretId)) {
			return secretId;
		}
		for (String name : this.secrets.keySet()) {
			if (arn(name).equals(secretId)) {
				return name;
			}
		}
		return null;
	}

	private static String error(String code, String message) {
		return "{\"__type\":" + quote(code) + ",\"Message\":" + quote(message) + "}";
	}

	private static void reply(HttpExchange exchange, int status, String json) throws IOException {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
		exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static String quote(String text) {
		StringBuilder json = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.append('"').toString();
	}

	private static String unescape(String text) {
		return text.replace("\\\"", "\"").replace("\\/", "/").replace("\\\\", "\\");
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		System.setProperty(ENDPOINT_PROPERTY, endpointUrl());
	}

	@Override
	public void afterAll(ExtensionContext context) {
		System.clearProperty(ENDPOINT_PROPERTY);
		close();
	}

	@Override
	public void close() {
		this.server.stop(0);
		((ExecutorService) this.server.getExecutor()).shutdownNow();
	}

	@Override
	public String toString() {
		return "LocalSecretsManager[" + endpointUrl() + ", secrets=" + this.secrets.keySet() + "]";
	}

}
