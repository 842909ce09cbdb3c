package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Generates ElastiCache IAM authentication tokens: a SigV4 query-string presigned
 * {@code GET https://<cacheName>/?Action=connect&User=<userId>} (plus
 * {@code ResourceType=ServerlessCache} for a serverless cache), valid for 15 minutes,
 * returned without its scheme. Settings are validated at construction, before anything is
 * signed. Thread-safe.
 */
public final class ElastiCacheIamTokenGenerator {

	/**
	 * How long ElastiCache accepts a token after its signing time.
	 */
	public static final Duration TOKEN_VALIDITY = Duration.ofSeconds(900);

	/**
	 * Taken off the token's own expiry: covers clock skew between this host and AWS and
	 * the time an AUTH takes to reach the server.
	 */
	public static final Duration TOKEN_EXPIRY_MARGIN = Duration.ofSeconds(60);

	/**
	 * Taken off the signing credentials' expiry: a token signed with expired credentials
	 * is rejected, so it must not be handed out close to that point either.
	 */
	public static final Duration CREDENTIALS_EXPIRY_MARGIN = Duration.ofSeconds(60);

	private static final String SERVICE_SIGNING_NAME = "elasticache";

	private static final String SCHEME = "https://";

	// ElastiCache naming rules for replication group ids and serverless cache names (both
	// lower case).
	private static final Pattern CACHE_NAME = Pattern.compile("[a-z](?:[a-z0-9]|-(?!-))*(?<!-)");

	private static final Pattern USER_ID = Pattern.compile("[A-Za-z][A-Za-z0-9-]*");

	// Partition prefix, one or more words, a number: us-east-1, cn-north-1,
	// us-gov-west-1, eu-isoe-west-1.
	private static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}");

	private static final int MAX_NAME_LENGTH = 40;

	private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

	private final String cacheName;

	private final String userId;

	private final String region;

	private final boolean serverless;

	private final Clock clock;

	/**
	 * Create a new generator that signs with the system clock.
	 * @param cacheName the replication group id or serverless cache name (upper case is
	 * lower-cased)
	 * @param userId the ElastiCache user id (identical to its user name for IAM users)
	 * @param region the region of the cache, e.g. {@code us-east-1}
	 * @param serverless whether the cache is a serverless cache
	 * @throws InvalidIamSettingException if a setting is invalid
	 */
	public ElastiCacheIamTokenGenerator(String cacheName, String userId, String region, boolean serverless) {
		this(cacheName, userId, region, serverless, Clock.systemUTC());
	}

	/**
	 * Create a new generator.
	 * @param cacheName the replication group id or serverless cache name (upper case is
	 * lower-cased)
	 * @param userId the ElastiCache user id (identical to its user name for IAM users)
	 * @param region the region of the cache, e.g. {@code us-east-1}
	 * @param serverless whether the cache is a serverless cache
	 * @param clock the clock that sets the signing time
	 * @throws InvalidIamSettingException if a setting is invalid
	 */
	public ElastiCacheIamTokenGenerator(String cacheName, String userId, String region, boolean serverless,
			Clock clock) {
		this.cacheName = validateCacheName(cacheName);
		this.userId = validateUserId(userId);
		this.region = validateRegion(region);
		this.serverless = serverless;
		this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
	}

	private static String validateCacheName(@Nullable String cacheName) {
		if (cacheName == null || cacheName.isBlank()) {
			throw new InvalidIamSettingException(IamSetting.CACHE_NAME, "must not be blank");
		}
		// ElastiCache stores names in lower case and the token must be signed for that
		// host.
		String name = cacheName.strip().toLowerCase(Locale.ROOT);
		if (name.length() > MAX_NAME_LENGTH) {
			throw new InvalidIamSettingException(IamSetting.CACHE_NAME,
					"must be at most " + MAX_NAME_LENGTH + " characters, was " + name.length());
		}
		if (!CACHE_NAME.matcher(name).matches()) {
			throw new InvalidIamSettingException(IamSetting.CACHE_NAME, "'" + name
					+ "' must start with a letter, contain only letters, digits and hyphens, and neither end with a hyphen nor contain two consecutive hyphens"
					+ " (use the replication group id or serverless cache name, not the endpoint host name)");
		}
		return name;
	}

	private static String validateUserId(@Nullable String userId) {
		if (userId == null || userId.isBlank()) {
			throw new InvalidIamSettingException(IamSetting.USER_ID, "must not be blank");
		}
		if (userId.length() > MAX_NAME_LENGTH) {
			throw new InvalidIamSettingException(IamSetting.USER_ID,
					"must be at most " + MAX_NAME_LENGTH + " characters, was " + userId.length());
		}
		if (!USER_ID.matcher(userId).matches()) {
			throw new InvalidIamSettingException(IamSetting.USER_ID,
					"'" + userId + "' must start with a letter and contain only letters, digits and hyphens");
		}
		return userId;
	}

	private static String validateRegion(@Nullable String region) {
		if (region == null || region.isBlank()) {
			throw new InvalidIamSettingException(IamSetting.REGION, "must not be blank");
		}
		if (!REGION.matcher(region).matches()) {
			throw new InvalidIamSettingException(IamSetting.REGION,
					"'" + region + "' is not a region name such as 'us-east-1'");
		}
		return region;
	}

	/**
	 * Sign a new token. Signing is local: no network call is made.
	 * @param credentials the AWS credentials to sign with
	 * @return the token, whose {@link IamAuthToken#usableUntil()} also accounts for the
	 * credentials' expiry
	 */
	public IamAuthToken generate(AwsCredentialsIdentity credentials) {
		Objects.requireNonNull(credentials, "'credentials' must not be null");
		// Whole seconds: X-Amz-Date has no fraction, so issuedAt matches what the server
		// sees.
		Instant issuedAt = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		String value = presign(this.cacheName, this.userId, this.region, this.serverless, issuedAt, credentials);
		Instant usableUntil = issuedAt.plus(TOKEN_VALIDITY).minus(TOKEN_EXPIRY_MARGIN);
		Instant credentialsExpiry = credentials.expirationTime().orElse(null);
		if (credentialsExpiry != null) {
			Instant credentialsUsableUntil = credentialsExpiry.minus(CREDENTIALS_EXPIRY_MARGIN);
			if (credentialsUsableUntil.isBefore(usableUntil)) {
				usableUntil = credentialsUsableUntil;
			}
		}
		return new IamAuthToken(value, issuedAt, usableUntil);
	}

	/**
	 * Presign without validating names; the signer URI-encodes the query values.
	 */
	static String presign(String host, String userId, String region, boolean serverless, Instant signingTime,
			AwsCredentialsIdentity credentials) {
		SdkHttpRequest.Builder request = SdkHttpRequest.builder()
			.method(SdkHttpMethod.GET)
			.protocol("https")
			.host(host)
			.encodedPath("/")
			.putRawQueryParameter("Action", "connect")
			.putRawQueryParameter("User", userId);
		if (serverless) {
			request.putRawQueryParameter("ResourceType", "ServerlessCache");
		}
		SignedRequest signed = SIGNER.sign((sign) -> sign.identity(credentials)
			.request(request.build())
			.putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE_SIGNING_NAME)
			.putProperty(AwsV4HttpSigner.REGION_NAME, region)
			.putProperty(AwsV4HttpSigner.AUTH_LOCATION, AuthLocation.QUERY_STRING)
			.putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, TOKEN_VALIDITY)
			.putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signingTime, ZoneOffset.UTC)));
		String uri = signed.request().getUri().toString();
		if (!uri.startsWith(SCHEME)) {
			throw new IllegalStateException("Unexpected presigned URL scheme");
		}
		return uri.substring(SCHEME.length());
	}

	/**
	 * Return the (lower-case) cache name the tokens are signed for.
	 * @return the cache name
	 */
	public String cacheName() {
		return this.cacheName;
	}

	/**
	 * Return the user id the tokens are signed for.
	 * @return the user id
	 */
	public String userId() {
		return this.userId;
	}

	/**
	 * Return the region the tokens are signed for.
	 * @return the region
	 */
	public String region() {
		return this.region;
	}

	/**
	 * Return whether the tokens are signed for a serverless cache.
	 * @return whether the cache is serverless
	 */
	public boolean serverless() {
		return this.serverless;
	}

	@Override
	public String toString() {
		return "ElastiCacheIamTokenGenerator[cacheName=" + this.cacheName + ", userId=" + this.userId + ", region="
				+ this.region + ", serverless=" + this.serverless + "]";
	}

}
