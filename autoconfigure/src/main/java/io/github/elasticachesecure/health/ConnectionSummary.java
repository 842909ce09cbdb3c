package io.github.elasticachesecure.health;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.lettuce.core.SslVerifyMode;
import org.jspecify.annotations.Nullable;

/**
 * What the health details say about the configured connection: no password, no token.
 *
 * @param endpoint the endpoint as {@code host:port}
 * @param topology how the cache is laid out
 * @param verifyMode how the server certificate is verified
 * @param authMode how the client authenticates
 * @param username the ACL user name (the IAM user id), or {@code null} for the default
 * user
 */
public record ConnectionSummary(String endpoint, CacheTopology topology, SslVerifyMode verifyMode, AuthMode authMode,
		@Nullable String username) {

}
