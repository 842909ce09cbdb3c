package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.guard.InsecureConnectionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link InsecureConnectionException} from the startup guard.
 */
class InsecureConnectionFailureAnalyzer extends AbstractFailureAnalyzer<InsecureConnectionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InsecureConnectionException cause) {
		String description = cause.getMessage() + ". The ElastiCache secure starter refuses to start with it.";
		String action = switch (cause.getReason()) {
			case PLAINTEXT -> "Connect through 'elasticache.secure.endpoint' (that connection always uses TLS), "
					+ "or enable TLS on the factory '" + cause.getBeanName()
					+ "' (LettuceClientConfiguration.builder().useSsl()). Remove 'spring.data.redis.url=redis://...' "
					+ "and 'spring.data.redis.ssl.enabled=false'. Plaintext connections cannot be allowed.";
			case STARTTLS -> "Remove startTls() from the client configuration of the factory '" + cause.getBeanName()
					+ "' (or from your LettuceClientConfigurationBuilderCustomizer): ElastiCache and redis-server "
					+ "speak TLS from the first byte, and with STARTTLS the credentials cross the network in clear.";
			case VERIFICATION_DISABLED -> "Verify certificates fully: use SslVerifyMode.FULL on the factory '"
					+ cause.getBeanName() + "' and trust a private CA through 'elasticache.secure.tls.bundle'. "
					+ "Only if you accept the risk, opt in explicitly with 'elasticache.secure.tls.verify-mode=CA' "
					+ "(no host-name check) or 'NONE' (no check at all).";
			case TRUSTS_ANY_CERTIFICATE -> "Remove the trust manager that accepts every certificate (such as "
					+ "InsecureTrustManagerFactory, a common answer to PKIX errors) from the SslOptions of the factory '"
					+ cause.getBeanName() + "' and from LettuceClientConfigurationBuilderCustomizer or "
					+ "LettuceClientOptionsBuilderCustomizer beans. To trust a private CA, set "
					+ "'elasticache.secure.tls.bundle=<name>' with 'spring.ssl.bundle.pem.<name>.truststore.certificate'. "
					+ "Only if you accept the risk, opt in explicitly with 'elasticache.secure.tls.verify-mode=NONE'.";
			case UNSUPPORTED_FACTORY -> "Use a LettuceConnectionFactory for '" + cause.getBeanName()
					+ "' (the starter's own, configured by 'elasticache.secure.*', or one you build with useSsl()), "
					+ "so its TLS settings can be verified.";
			case UNCHECKED_CLIENT_RESOURCES -> "Build the client configuration of the factory '" + cause.getBeanName()
					+ "' on the context's ClientResources bean (inject ClientResources and call "
					+ "LettuceClientConfiguration.builder().clientResources(clientResources)), so that its connections "
					+ "carry the TLS check; or let the starter build the factory from 'elasticache.secure.*'.";
			case SESSION_REFUSED -> "For the connections of the factory '" + cause.getBeanName() + "': remove the "
					+ "NettyCustomizer (in a ClientResourcesBuilderCustomizer or your own ClientResources) that changes "
					+ "the channel's TLS handler, and the options of the SSL bundle named "
					+ "by 'elasticache.secure.tls.bundle' (spring.ssl.bundle.*.options.enabled-protocols or ciphers) "
					+ "that allow weaker TLS. The server must offer 'elasticache.secure.tls.min-version' (TLSv1.2 by "
					+ "default) or later with an AEAD cipher suite with forward secrecy, and a certificate naming the "
					+ "host, as ElastiCache does.";
			case NODE_OUTSIDE_CACHE_DOMAIN -> "Check the cluster's announced host names ('cluster-announce-hostname' "
					+ "of each node): every node of an ElastiCache cluster has a name in its configuration endpoint's "
					+ "domain. The factory '" + cause.getBeanName() + "' would send its credentials to that node, so "
					+ "it is not used.";
			case FACTORY_BEAN -> "Declare the factory '" + cause.getBeanName() + "' with a @Bean method that returns "
					+ "the LettuceConnectionFactory itself (built on the context's ClientResources), so the guard checks "
					+ "it before it starts; or let the starter build it from 'elasticache.secure.*'.";
		};
		return new FailureAnalysis(description, action, cause);
	}

}
