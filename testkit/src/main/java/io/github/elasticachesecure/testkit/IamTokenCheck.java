package io.github.elasticachesecure.testkit;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ElastiCache's check of an IAM token, independent of the starter (for the test bed's {@code IamFront}): the token is
 * a presigned {@code connect} for this cache and user, signed with the given key for the region within 15 minutes of
 * the time of the check, with the signature {@link SigV4Reference} computes.
 *
 * @param cacheName the cache the token must name
 * @param userId the user the token must name (and the {@code AUTH} must be for)
 * @param region the signing region
 * @param accessKeyId the access key the token must be signed with
 * @param secretKey its secret key
 */
public record IamTokenCheck(String cacheName, String userId, String region, String accessKeyId, String secretKey) {

	/**
	 * Checks a token as ElastiCache does at the given time: a token signed more than 15 minutes before (or after)
	 * {@code now} is refused.
	 * @param user the user of the {@code AUTH}
	 * @param token the token sent as its password
	 * @param now the time of the check
	 * @return whether the server would accept it
	 */
	public boolean isValid(String user, String token, Instant now) {
		if (!token.startsWith(this.cacheName + "/?")) {
			return false;
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : URI.create("https://" + token).getRawQuery().split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(pair.substring(0, equals),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		String date = parameters.get("X-Amz-Date");
		if (date == null || !this.userId.equals(user) || !user.equals(parameters.get("User"))) {
			return false;
		}
		Instant signedAt = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX").parse(date, Instant::from);
		if (Duration.between(signedAt, now).abs().compareTo(Duration.ofMinutes(15)) > 0) {
			return false;
		}
		Map<String, String> expected = SigV4Reference.presignedParameters(this.cacheName,
				Map.of("Action", "connect", "User", this.userId), this.region, "elasticache", signedAt,
				this.accessKeyId, this.secretKey, null, 900);
		return expected.equals(parameters);
	}

	/** Nothing secret: the secret key is left out. */
	@Override
	public String toString() {
		return "IamTokenCheck[cache=" + this.cacheName + ", user=" + this.userId + ", region=" + this.region + "]";
	}

}
