package io.github.elasticachesecure.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.github.elasticachesecure.audit.CacheDiscovery;
import io.github.elasticachesecure.audit.CacheDiscoveryException;
import io.github.elasticachesecure.audit.DiscoveredCache;

import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Parses {@code --endpoint} as the starter parses {@code elasticache.secure.endpoint} (a
 * value with user-info or a query is refused without being repeated: it may hold a
 * password, and so may text after the host that is not a port, which the report redacts)
 * and resolves its host name. Without {@code --endpoint}, the cache named by
 * {@code --cache} is found through the ElastiCache API in {@code --region}, as the
 * starter finds {@code elasticache.secure.cache-name} ({@link CacheDiscovery}: a cache
 * that accepts plaintext clients is refused), with the AWS default credentials chain.
 */
final class EndpointStep implements DoctorStep {

	static final String OPTION = "--endpoint";

	private static final String FORM = "Give " + OPTION + " as host:port, e.g. "
			+ "master.my-cache.abc123.use1.cache.amazonaws.com:6379; the password comes from "
			+ CommandEnvironment.PASSWORD_VARIABLE + " or the prompt, never from the command line.";

	@Override
	public String name() {
		return "endpoint";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		String typed = diagnosis.settings().endpoint();
		if (typed == null) {
			return discover(diagnosis);
		}
		ElastiCacheEndpoint endpoint;
		try {
			endpoint = ElastiCacheEndpoint.parse(OPTION, typed);
		}
		catch (ElastiCacheConfigurationException ex) {
			String notAPort = afterHost(typed);
			if (notAPort != null) {
				// Redacted from every text of the report, whatever the parser's message
				// repeats of the value.
				diagnosis.secrets().add(notAPort);
			}
			// The starter's action names its properties where it refers to credentials;
			// the command has none.
			String action = ex.getAction().contains("elasticache.secure.") ? FORM : ex.getAction();
			return StepResult.fail(name(), ex.getMessage(), action);
		}
		return resolve(diagnosis, endpoint, "");
	}

	private StepResult discover(Diagnosis diagnosis) {
		DoctorSettings settings = diagnosis.settings();
		String name = Objects.requireNonNull(settings.cacheName());
		String region = Objects.requireNonNull(settings.region());
		try {
			diagnosis.awsCredentials().resolveCredentials();
		}
		catch (SdkException ex) {
			return StepResult.fail(name(),
					"no AWS credentials in the default chain, so the cache '" + name + "' was not looked up",
					"Give AWS credentials (environment, profile or role) allowed "
							+ "elasticache:DescribeReplicationGroups and elasticache:DescribeServerlessCaches, or give "
							+ OPTION + ".");
		}
		DiscoveredCache cache;
		try {
			cache = CacheDiscovery.discover(name, region, diagnosis.awsCredentials(), diagnosis.timeout(), false);
		}
		catch (CacheDiscoveryException ex) {
			return StepResult.fail(name(), ex.getMessage(), fix(ex, region));
		}
		diagnosis.discovered(cache);
		StepResult result = resolve(diagnosis, cache.endpoint(), "cache '" + name + "' in " + region + " ("
				+ cache.topology().value() + ", found with " + cache.action() + "): ");
		return result.with("cache", name).with("topology", cache.topology().value()).with("action", cache.action());
	}

	/**
	 * The starter's fix names its properties; the command's options stand for them.
	 */
	private static String fix(CacheDiscoveryException ex, String region) {
		String action = ex.getAction();
		return switch (ex.getReason()) {
			case NOT_FOUND ->
				"Check --cache (the replication group id or serverless cache name) and --region (" + region + ").";
			case TRANSIT_ENCRYPTION_NOT_REQUIRED -> ex.getFix();
			case ACCESS_DENIED -> "Allow the IAM action '" + action + "' to the identity of the AWS default "
					+ "credentials chain, or give " + OPTION + ".";
			case UNAVAILABLE -> (action != null)
					? "Check that this machine reaches the ElastiCache API endpoint (proxy, VPC endpoint, "
							+ "AWS_ENDPOINT_URL_ELASTICACHE), or give " + OPTION + "."
					: "Run doctor again once the cache is available, or give " + OPTION + ".";
		};
	}

	private StepResult resolve(Diagnosis diagnosis, ElastiCacheEndpoint endpoint, String found) {
		diagnosis.endpoint(endpoint);
		List<InetAddress> addresses;
		try {
			addresses = Arrays.asList(InetAddress.getAllByName(endpoint.host()));
		}
		catch (UnknownHostException ex) {
			return StepResult.fail(name(), "'" + endpoint.host() + "' does not resolve",
					"Copy the endpoint from the cache's details (console, or 'aws elasticache "
							+ "describe-replication-groups' / 'describe-serverless-caches'), and run doctor where the "
							+ "cache's VPC DNS answers.");
		}
		diagnosis.address(addresses.get(0));
		List<String> shown = addresses.stream().map(InetAddress::getHostAddress).toList();
		return StepResult.pass(name(), found + endpoint + " resolves to " + String.join(", ", shown))
			.with("host", endpoint.host())
			.with("port", endpoint.port())
			.with("addresses", shown);
	}

	/**
	 * What follows the host (or the bracketed address) of a refused endpoint, when it is
	 * not a port: a password written in the port's place ({@code host:secret}) or after
	 * it ({@code host:port:secret}).
	 */
	static @Nullable String afterHost(String value) {
		String text = value.trim();
		int hostEnd;
		if (text.startsWith("[")) {
			int close = text.indexOf(']');
			// Unclosed: where the address ends cannot be told, so all of it is held back.
			hostEnd = (close >= 0) ? close + 1 : 1;
		}
		else {
			hostEnd = text.indexOf(':');
			if (hostEnd < 0) {
				return null;
			}
		}
		String rest = text.substring(hostEnd);
		if (rest.startsWith(":")) {
			rest = rest.substring(1);
		}
		return (rest.isEmpty() || rest.chars().allMatch((c) -> c >= '0' && c <= '9')) ? null : rest;
	}

}
