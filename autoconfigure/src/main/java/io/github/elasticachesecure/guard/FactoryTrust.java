package io.github.elasticachesecure.guard;

import java.io.IOException;
import java.security.GeneralSecurityException;

import javax.net.ssl.SSLContext;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslOptions;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;

import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;

/**
 * The trust material a factory's own client configuration holds, as the
 * {@link SSLContext} the guard probes with.
 */
final class FactoryTrust {

	private FactoryTrust() {
	}

	/**
	 * The factory's SSL options as a JDK {@link SSLContext}.
	 * @param beanName the bean name, for the report when the material cannot be loaded
	 * @param configuration the factory's client configuration
	 * @return the context, with the factory's trust and key managers
	 */
	static SSLContext sslContext(String beanName, LettuceClientConfiguration configuration) {
		SslOptions sslOptions = configuration.getClientOptions()
			.map(ClientOptions::getSslOptions)
			.orElseGet(SslOptions::create);
		try {
			// The JDK provider yields a javax SSLContext with the factory's own trust
			// material.
			SslContext context = sslOptions.mutate().jdkSslProvider().build().createSslContextBuilder().build();
			return ((JdkSslContext) context).context();
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(
					"RedisConnectionFactory '" + beanName + "': its TLS trust material cannot be loaded", ex);
		}
	}

}
