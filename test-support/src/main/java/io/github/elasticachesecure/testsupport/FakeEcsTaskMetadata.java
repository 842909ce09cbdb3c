package io.github.elasticachesecure.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The ECS task metadata endpoint, version 4, on loopback: {@code GET <uri>/task} answers
 * the task's JSON document, shaped as AWS's "task metadata v4 JSON response" describes it
 * (the task's fields, its containers and their networks), with {@code AvailabilityZone}
 * for a Fargate task and without it for a task on EC2 (ECS reports the zone for Fargate
 * tasks only); {@code GET <uri>} answers the container's own document; anything else 404.
 * Reached through {@code ECS_CONTAINER_METADATA_URI_V4} set to {@link #uri()}.
 */
public final class FakeEcsTaskMetadata implements AutoCloseable {

	private static final String CONTAINER_PATH = "/v4/3f2c0c6a9b8e4d71a0e5b6c7d8e9f012-1570473587";

	private final HttpServer server;

	private final String task;

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private FakeEcsTaskMetadata(String task) throws IOException {
		this.task = task;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/**
	 * Start the endpoint of a Fargate task, which reports its zone.
	 * @param availabilityZone the task's zone, e.g. {@code us-east-1a}
	 * @return the running endpoint
	 */
	public static FakeEcsTaskMetadata fargate(String availabilityZone) {
		return start("\"AvailabilityZone\": \"" + availabilityZone + "\",\n  \"LaunchType\": \"FARGATE\",\n");
	}

	/**
	 * Start the endpoint of a task on an EC2 container instance, which does not report
	 * its zone.
	 * @return the running endpoint
	 */
	public static FakeEcsTaskMetadata onEc2() {
		return start("\"VPCID\": \"vpc-0a1b2c3d4e5f60718\",\n  \"ServiceName\": \"orders-api\",\n"
				+ "  \"LaunchType\": \"EC2\",\n");
	}

	private static FakeEcsTaskMetadata start(String launch) {
		try {
			return new FakeEcsTaskMetadata(taskDocument(launch));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the endpoint as ECS puts it in {@code ECS_CONTAINER_METADATA_URI_V4}.
	 * @return {@code http://127.0.0.1:<port>/v4/<container id>}
	 */
	public String uri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + CONTAINER_PATH;
	}

	/**
	 * Return the requests received, as {@code METHOD path status}.
	 * @return the requests in order
	 */
	public List<String> requests() {
		return this.requests;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		boolean get = "GET".equals(exchange.getRequestMethod());
		String body = !get ? null : (CONTAINER_PATH + "/task").equals(path) ? this.task
				: CONTAINER_PATH.equals(path) ? container() : null;
		int status = (body != null) ? 200 : get ? 404 : 405;
		this.requests.add(exchange.getRequestMethod() + " " + path + " " + status);
		byte[] bytes = ((body != null) ? body : "404 page not found").getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", (body != null) ? "application/json" : "text/plain");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static String taskDocument(String launch) {
		return "{\n  \"Cluster\": \"arn:aws:ecs:us-east-1:111122223333:cluster/orders\",\n"
				+ "  \"TaskARN\": \"arn:aws:ecs:us-east-1:111122223333:task/orders/3f2c0c6a9b8e4d71a0e5b6c7d8e9f012\",\n"
				+ "  \"Family\": \"orders-api\",\n  \"Revision\": \"7\",\n  \"DesiredStatus\": \"RUNNING\",\n"
				+ "  \"KnownStatus\": \"RUNNING\",\n  \"Limits\": {\n    \"CPU\": 0.5,\n    \"Memory\": 1024\n  },\n"
				+ "  \"PullStartedAt\": \"2026-11-30T09:12:01.482113735Z\",\n"
				+ "  \"PullStoppedAt\": \"2026-11-30T09:12:09.913502161Z\",\n  " + launch + "  \"Containers\": [\n"
				+ container().indent(4) + "  ],\n  \"ClockDrift\": {\n    \"ClockErrorBound\": 0.41,\n"
				+ "    \"ReferenceTimestamp\": \"2026-11-30T09:14:00Z\",\n"
				+ "    \"ClockSynchronizationStatus\": \"SYNCHRONIZED\"\n  },\n"
				+ "  \"EphemeralStorageMetrics\": {\n    \"Utilized\": 312,\n    \"Reserved\": 20496\n  }\n}\n";
	}

	private static String container() {
		return "{\n  \"DockerId\": \"3f2c0c6a9b8e4d71a0e5b6c7d8e9f012-1570473587\",\n  \"Name\": \"app\",\n"
				+ "  \"DockerName\": \"app\",\n"
				+ "  \"Image\": \"111122223333.dkr.ecr.us-east-1.amazonaws.com/orders-api:1.4.2\",\n"
				+ "  \"ImageID\": \"sha256:5b0f3c1e2d4a6978b0c1d2e3f4a5b6c7d8e9f00112233445566778899aabbccd\",\n"
				+ "  \"Labels\": {\n    \"com.amazonaws.ecs.cluster\": \"arn:aws:ecs:us-east-1:111122223333:cluster/orders\",\n"
				+ "    \"com.amazonaws.ecs.container-name\": \"app\",\n"
				+ "    \"com.amazonaws.ecs.task-definition-family\": \"orders-api\",\n"
				+ "    \"com.amazonaws.ecs.task-definition-version\": \"7\"\n  },\n"
				+ "  \"DesiredStatus\": \"RUNNING\",\n  \"KnownStatus\": \"RUNNING\",\n"
				+ "  \"Limits\": {\n    \"CPU\": 2\n  },\n  \"CreatedAt\": \"2026-11-30T09:12:10.21Z\",\n"
				+ "  \"StartedAt\": \"2026-11-30T09:12:10.21Z\",\n  \"Type\": \"NORMAL\",\n"
				+ "  \"Networks\": [\n    {\n      \"NetworkMode\": \"awsvpc\",\n"
				+ "      \"IPv4Addresses\": [\n        \"10.0.2.106\"\n      ],\n      \"AttachmentIndex\": 0,\n"
				+ "      \"MACAddress\": \"0e:9e:32:c7:48:85\",\n      \"IPv4SubnetCIDRBlock\": \"10.0.2.0/24\",\n"
				+ "      \"PrivateDNSName\": \"ip-10-0-2-106.ec2.internal\",\n"
				+ "      \"SubnetGatewayIpv4Address\": \"10.0.2.1/24\"\n    }\n  ]\n}";
	}

	@Override
	public void close() {
		this.server.stop(0);
		((ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
