package io.github.elasticachesecure.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * ElastiCache's and EC2's query APIs on loopback, answering each {@code Action} with a
 * canned body in the real wire format (shaped from the AWS API reference examples), or
 * with an error document. Reached through the SDK's own endpoint configuration
 * ({@code aws.endpointUrl}), never by overriding the client's endpoint.
 */
public final class FakeAwsApi implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

	static final String ELASTICACHE_NS = "http://elasticache.amazonaws.com/doc/2015-02-02/";

	static final String EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

	/** The AWS SDK's system property for every service's endpoint. */
	private static final String ENDPOINT_PROPERTY = "aws.endpointUrl";

	private final HttpServer server;

	private final Map<String, Answer> answers = new ConcurrentHashMap<>();

	private final List<String> actions = new CopyOnWriteArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	record Answer(int status, String body, boolean hang) {
	}

	public FakeAwsApi() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/**
	 * A stand-in for each test of a class, registered with {@code @RegisterExtension} on
	 * an instance field: before each test it becomes the AWS SDK's endpoint
	 * ({@code aws.endpointUrl}, as {@code AWS_ENDPOINT_URL} would) and answers as
	 * {@link AwsFixtures#secureReplicationGroup(FakeAwsApi)} until the test answers
	 * otherwise; after it, it stops.
	 * @return the stand-in, running
	 */
	public static FakeAwsApi forEachTest() {
		try {
			FakeAwsApi aws = new FakeAwsApi();
			AwsFixtures.secureReplicationGroup(aws);
			return aws;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		System.setProperty(ENDPOINT_PROPERTY, url());
	}

	@Override
	public void afterEach(ExtensionContext context) {
		System.clearProperty(ENDPOINT_PROPERTY);
		close();
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	public List<String> actions() {
		return this.actions;
	}

	public FakeAwsApi answer(String action, String resultXml) {
		String body = action.equals("DescribeSecurityGroups")
				? "<DescribeSecurityGroupsResponse xmlns=\"" + EC2_NS
						+ "\"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE" + "</requestId>" + resultXml
						+ "</DescribeSecurityGroupsResponse>"
				: "<" + action + "Response xmlns=\"" + ELASTICACHE_NS + "\"><" + action + "Result>" + resultXml + "</"
						+ action + "Result><ResponseMetadata><RequestId>8a1fa5ab-1a8b-11e5-9e5c-EXAMPLE</RequestId>"
						+ "</ResponseMetadata></" + action + "Response>";
		this.answers.put(action, new Answer(200, body, false));
		return this;
	}

	/** ElastiCache's query-protocol error document (AccessDenied, Throttling, ...). */
	public FakeAwsApi elastiCacheError(String action, int status, String code, String message) {
		this.answers.put(action,
				new Answer(status,
						"<ErrorResponse xmlns=\"" + ELASTICACHE_NS + "\"><Error><Type>Sender" + "</Type><Code>" + code
								+ "</Code><Message>" + message + "</Message></Error><RequestId>"
								+ "c3d1f6b2-0f44-4c6c-9d5f-EXAMPLE</RequestId></ErrorResponse>",
						false));
		return this;
	}

	/** EC2's error document. */
	public FakeAwsApi ec2Error(String action, int status, String code, String message) {
		this.answers.put(action,
				new Answer(status,
						"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>" + "<Code>" + code
								+ "</Code><Message>" + message + "</Message></Error></Errors><RequestID>"
								+ "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestID></Response>",
						false));
		return this;
	}

	/** Never answers (until closed): a slow endpoint. */
	public FakeAwsApi hang(String action) {
		this.answers.put(action, new Answer(200, "", true));
		return this;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String action = null;
		for (String pair : form.split("&")) {
			if (pair.startsWith("Action=")) {
				action = URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
			}
		}
		this.actions.add(String.valueOf(action));
		Answer answer = (action != null) ? this.answers.get(action) : null;
		if (answer == null) {
			answer = new Answer(400, "<ErrorResponse xmlns=\"" + ELASTICACHE_NS + "\"><Error><Type>Sender</Type><Code>"
					+ "InvalidAction</Code><Message>not stubbed: " + action + "</Message></Error></ErrorResponse>",
					false);
		}
		if (answer.hang()) {
			try {
				this.release.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/xml");
		exchange.sendResponseHeaders(answer.status(), body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		this.release.countDown();
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
