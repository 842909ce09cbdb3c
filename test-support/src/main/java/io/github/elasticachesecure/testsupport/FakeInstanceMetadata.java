package io.github.elasticachesecure.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The EC2 instance metadata service on loopback, as an instance that requires IMDSv2
 * answers: {@code PUT /latest/api/token} with
 * {@code X-aws-ec2-metadata-token-ttl-seconds} (1 to 21600) issues a session token (400
 * without a valid TTL, 403 for a request that came through a proxy,
 * {@code X-Forwarded-For}); a {@code GET} under {@code /latest/} needs that token in
 * {@code X-aws-ec2-metadata-token} (401 without it, or with one it did not issue or that
 * expired) and answers {@code meta-data/placement/availability-zone} with the zone as
 * plain text (404 for any other path); other methods get 405. Errors come as the
 * service's small HTML documents. Reached through the AWS SDK's endpoint setting
 * ({@code AWS_EC2_METADATA_SERVICE_ENDPOINT}) set to {@link #endpoint()}.
 */
public final class FakeInstanceMetadata implements AutoCloseable {

	static final String TOKEN_PATH = "/latest/api/token";

	static final String ZONE_PATH = "/latest/meta-data/placement/availability-zone";

	private static final int MAX_TTL_SECONDS = 21600;

	private final HttpServer server;

	private final String zone;

	private final Map<String, Instant> tokens = new ConcurrentHashMap<>();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private final SecureRandom random = new SecureRandom();

	private FakeInstanceMetadata(String zone) throws IOException {
		this.zone = zone;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/**
	 * Start the service of an instance in a zone.
	 * @param availabilityZone the instance's zone, e.g. {@code us-east-1a}
	 * @return the running service
	 */
	public static FakeInstanceMetadata start(String availabilityZone) {
		try {
			return new FakeInstanceMetadata(availabilityZone);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the endpoint, as {@code AWS_EC2_METADATA_SERVICE_ENDPOINT} names it.
	 * @return {@code http://127.0.0.1:<port>}
	 */
	public String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/**
	 * Return the requests received, as {@code METHOD path status}, tokens left out.
	 * @return the requests in order
	 */
	public List<String> requests() {
		return this.requests;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String method = exchange.getRequestMethod();
		String path = exchange.getRequestURI().getPath();
		exchange.getRequestBody().readAllBytes();
		int status;
		String body;
		String ttl = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
		if ("PUT".equals(method) && TOKEN_PATH.equals(path)) {
			Integer seconds = seconds(ttl);
			if (exchange.getRequestHeaders().containsKey("X-Forwarded-For")) {
				status = 403;
				body = error(403, "Forbidden");
			}
			else if (seconds == null) {
				status = 400;
				body = error(400, "Missing or Invalid Parameters");
			}
			else {
				byte[] bytes = new byte[40];
				this.random.nextBytes(bytes);
				body = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
				this.tokens.put(body, Instant.now().plusSeconds(seconds));
				exchange.getResponseHeaders().set("X-aws-ec2-metadata-token-ttl-seconds", String.valueOf(seconds));
				status = 200;
			}
		}
		else if ("GET".equals(method) && path.startsWith("/latest/")) {
			String token = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
			Instant expiry = (token != null) ? this.tokens.get(token) : null;
			if (expiry == null || expiry.isBefore(Instant.now())) {
				status = 401;
				body = error(401, "Unauthorized");
			}
			else if (ZONE_PATH.equals(path)) {
				status = 200;
				body = this.zone;
			}
			else {
				status = 404;
				body = error(404, "Not Found");
			}
		}
		else {
			status = 405;
			body = error(405, "Method Not Allowed");
		}
		this.requests.add(method + " " + path + " " + status);
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", (status == 200) ? "text/plain" : "text/html");
		exchange.getResponseHeaders().set("Server", "EC2ws");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static Integer seconds(String ttl) {
		try {
			int seconds = Integer.parseInt(String.valueOf(ttl).trim());
			return (seconds >= 1 && seconds <= MAX_TTL_SECONDS) ? seconds : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String error(int status, String reason) {
		return "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
				+ "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
				+ "\t\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
				+ "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n <head>\n  <title>"
				+ status + " - " + reason + "</title>\n </head>\n <body>\n  <h1>" + status + " - " + reason
				+ "</h1>\n </body>\n</html>\n";
	}

	@Override
	public void close() {
		this.server.stop(0);
		((ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
