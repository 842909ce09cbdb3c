package io.github.elasticachesecure.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

import io.github.elasticachesecure.autoconfigure.ElastiCacheConfigurationException;
import io.github.elasticachesecure.autoconfigure.ElastiCacheEndpoint;

/**
 * Parses {@code --endpoint} as the starter parses {@code elasticache.secure.endpoint} (a value with user-info or a
 * query is refused without being repeated: it may hold a password) and resolves its host name.
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
		ElastiCacheEndpoint endpoint;
		try {
			endpoint = ElastiCacheEndpoint.parse(OPTION, diagnosis.settings().endpoint());
		}
		catch (ElastiCacheConfigurationException ex) {
			// The starter's action names its properties where it refers to credentials; the command has none.
			String action = ex.getAction().contains("elasticache.secure.") ? FORM : ex.getAction();
			return StepResult.fail(name(), ex.getMessage(), action);
		}
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
		return StepResult.pass(name(), endpoint + " resolves to " + String.join(", ", shown))
			.with("host", endpoint.host())
			.with("port", endpoint.port())
			.with("addresses", shown);
	}

}
