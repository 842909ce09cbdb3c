package io.github.elasticachesecure.testkit;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ElastiCache's check of an IAM token, as the {@link IamFront} makes it (and a test may,
 * on a token it got): the token is a presigned {@code connect} for this cache and user
 * (with {@code ResourceType=ServerlessCache} exactly when the cache is serverless),
 * signed for the region with the given credentials, {@code X-Amz-Expires=900}, within 15
 * minutes of the check, with the signature {@link SigV4Reference} recomputes
 * independently of any signer under test.
 *
 * @param cacheName the cache the token must name (lower-cased, as ElastiCache does)
 * @param userId the user the token must name, and the {@code AUTH} must be for
 * @param region the signing region
 * @param credentials the key the token must be signed with
 * @param serverless whether the cache is serverless
 */
public record IamTokenCheck(String cacheName, String userId, String region, TestAwsCredentials credentials,
		boolean serverless) {

	static final Duration TOKEN_VALIDITY = Duration.ofMinutes(15);

	private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX");

	public IamTokenCheck {
		cacheName = cacheName.toLowerCase(Locale.ROOT);
	}

	/**
	 * Checks a token as ElastiCache does at the given time: a token signed more than 15
	 * minutes before {@code now} has expired, one dated more than 15 minutes after it is
	 * refused as clock skew.
	 * @param user the user of the {@code AUTH}
	 * @param token the token sent as its password
	 * @param now the time of the check
	 * @return whether the server would accept it
	 */
	public boolean isValid(String user, String token, Instant now) {
		if (!this.userId.equals(user) || !token.startsWith(this.cacheName + "/?")) {
			return false;
		}
		try {
			Map<String, String> parameters = new LinkedHashMap<>();
			for (String pair : URI.create("https://" + token).getRawQuery().split("&")) {
				int equals = pair.indexOf('=');
				parameters.put(pair.substring(0, equals),
						URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
			}
			String date = parameters.get("X-Amz-Date");
			if (date == null) {
				return false;
			}
			Instant signedAt = AMZ_DATE.parse(date, Instant::from);
			if (Duration.between(signedAt, now).abs().compareTo(TOKEN_VALIDITY) > 0) {
				return false;
			}
			Map<String, String> request = new LinkedHashMap<>(Map.of("Action", "connect", "User", this.userId));
			if (this.serverless) {
				request.put("ResourceType", "ServerlessCache");
			}
			Map<String, String> expected = SigV4Reference.presignedParameters(this.cacheName, request, this.region,
					"elasticache", signedAt, this.credentials.accessKeyId(), this.credentials.secretAccessKey(), null,
					(int) TOKEN_VALIDITY.toSeconds());
			return expected.equals(parameters);
		}
		catch (IllegalArgumentException | StringIndexOutOfBoundsException | NullPointerException
				| DateTimeParseException ex) {
			// not a presigned URL at all
			return false;
		}
	}

	/** Nothing secret: the credentials' secret key is left out. */
	@Override
	public String toString() {
		return "IamTokenCheck[cache=" + this.cacheName + ", user=" + this.userId + ", region=" + this.region
				+ (this.serverless ? ", serverless" : "") + "]";
	}

}
