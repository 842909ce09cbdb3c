package io.github.elasticachesecure.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.ReplicationGroup;
import software.amazon.awssdk.services.elasticache.model.ServerlessCache;
import software.amazon.awssdk.services.elasticache.model.User;
import software.amazon.awssdk.services.elasticache.model.UserGroup;

/**
 * The posture audit of one cache: reads its description through the ElastiCache and EC2
 * APIs ({@code Describe*} calls only) and reports each check as a {@link Finding}. Free
 * of Spring; one instance audits one cache and may run any number of times;
 * {@link #run()} never throws for what AWS answers, and returns within the timeout plus
 * the time to build the report.
 * <p>
 * The clients use the SDK's standard configuration for everything not given here
 * ({@link AwsClients}): {@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_ELASTICACHE},
 * {@code AWS_ENDPOINT_URL_EC2} and the {@code aws.endpointUrl*} system properties and
 * profile settings choose the endpoints.
 */
public final class PostureAudit implements AutoCloseable {

	private final Settings settings;

	private final SdkHttpClient httpClient;

	private final ElastiCacheClient elastiCache;

	private final ElastiCacheDescriptions describe;

	private final @Nullable NetworkAudit network;

	private PostureAudit(Settings settings) {
		this.settings = settings;
		this.httpClient = AwsClients.httpClient(settings.timeout);
		ClientOverrideConfiguration overrides = AwsClients.overrides(settings.overrides);
		Region region = Region.of(settings.region);
		this.elastiCache = AwsClients.elastiCache(this.httpClient, region, settings.credentials, overrides);
		this.describe = new ElastiCacheDescriptions(this.elastiCache);
		this.network = ec2ModulePresent()
				? new Ec2NetworkAudit(this.httpClient, region, settings.credentials, overrides) : null;
	}

	/**
	 * Start building an audit.
	 * @param cacheName the replication group id or serverless cache name
	 * @param region the AWS region of the cache
	 * @param credentials the AWS credentials that sign the calls (not closed by the
	 * audit)
	 * @return the builder
	 */
	public static Builder builder(String cacheName, String region, AwsCredentialsProvider credentials) {
		return new Builder(cacheName, region, credentials);
	}

	/**
	 * Audit the cache.
	 * @return the report
	 */
	public PostureReport run() {
		List<Finding> findings = new ArrayList<>();
		AwsCalls calls = new AwsCalls(this.settings.clock, this.settings.timeout, findings);
		boolean serverless = this.settings.topology == CacheTopology.SERVERLESS;
		CacheFacts cache = serverless ? serverlessCache(calls, findings) : replicationGroup(calls, findings);
		if (cache != null) {
			findings.add(CacheChecks.transitEncryption(cache));
			findings.add(CacheChecks.atRestEncryption(cache));
			findings.add(CacheChecks.authentication(cache));
			checkUsers(cache, calls, findings);
			if (serverless || cache.engineVersion() != null || cache.subnetGroup() != null) {
				// the member cluster was described: its engine version and network are
				// known
				findings.add(CacheChecks.engineVersion(cache, this.settings.authMode));
				findings.add(CacheChecks.vpc(cache));
				checkNetwork(cache, calls, findings);
			}
			findings.addAll(CacheChecks.resilience(cache));
		}
		return new PostureReport(this.settings.cacheName, this.settings.region, this.settings.clock.instant(),
				findings);
	}

	private @Nullable CacheFacts replicationGroup(AwsCalls calls, List<Finding> findings) {
		List<ReplicationGroup> groups = this.describe.replicationGroups(this.settings.cacheName, calls);
		if (groups == null || groups.isEmpty()) {
			notFound(groups, "replication group", findings);
			return null;
		}
		ReplicationGroup group = groups.get(0);
		CacheCluster member = group.memberClusters().isEmpty() ? null
				: this.describe.cacheCluster(group.memberClusters().get(0), calls);
		return CacheFacts.of(group, member);
	}

	private @Nullable CacheFacts serverlessCache(AwsCalls calls, List<Finding> findings) {
		List<ServerlessCache> caches = this.describe.serverlessCaches(this.settings.cacheName, calls);
		if (caches == null || caches.isEmpty()) {
			notFound(caches, "serverless cache", findings);
			return null;
		}
		return CacheFacts.of(caches.get(0));
	}

	private void checkUsers(CacheFacts cache, AwsCalls calls, List<Finding> findings) {
		boolean iam = UserChecks.needsIamUserCheck(this.settings.authMode, this.settings.userId);
		if (cache.userGroupIds().isEmpty() && !iam) {
			if (cache.authToken()) {
				findings.add(UserChecks.defaultUser(cache, List.of(), List.of()));
			}
			return;
		}
		List<UserGroup> groups = this.describe.userGroups(cache.userGroupIds(), calls);
		List<User> users = this.describe.users(iam ? "iam-user" : "default-user", calls);
		if (users == null) {
			return;
		}
		if (groups != null && !cache.userGroupIds().isEmpty()) {
			findings.add(UserChecks.defaultUser(cache, groups, users));
		}
		if (iam) {
			findings.add(UserChecks.iamUser(cache, this.settings.userId, users));
		}
	}

	private void checkNetwork(CacheFacts cache, AwsCalls calls, List<Finding> findings) {
		if (cache.securityGroupIds().isEmpty()) {
			return;
		}
		if (this.network == null) {
			findings.add(Finding.fail(SecurityGroupChecks.ID, Severity.WARNING,
					"The security groups " + cache.securityGroupIds()
							+ " were not checked: the AWS SDK's ec2 module is not on the class path.",
					"Add the dependency software.amazon.awssdk:ec2 for the network checks."));
			return;
		}
		findings.addAll(this.network.securityGroups(cache, calls));
	}

	private void notFound(@Nullable List<?> described, String kind, List<Finding> findings) {
		if (described != null) {
			findings.add(Finding.fail("cache-not-found", Severity.WARNING,
					"No " + kind + " named '" + this.settings.cacheName + "' in " + this.settings.region + ".",
					"Check elasticache.secure.cache-name, elasticache.secure.topology and the region."));
		}
	}

	@Override
	public void close() {
		if (this.network != null) {
			this.network.close();
		}
		this.elastiCache.close();
		this.httpClient.close();
	}

	/**
	 * Whether the optional {@code ec2} module is on the class path. A class literal,
	 * resolved only here, rather than a lookup by name: nothing reflective for a native
	 * image to be told about.
	 */
	private static boolean ec2ModulePresent() {
		try {
			return Ec2Client.class.getName() != null;
		}
		catch (NoClassDefFoundError ex) {
			return false;
		}
	}

	private record Settings(String cacheName, String region, AwsCredentialsProvider credentials, CacheTopology topology,
			AuthMode authMode, @Nullable String userId, Duration timeout, ClientOverrideConfiguration overrides,
			Clock clock) {
	}

	/**
	 * Builds a {@link PostureAudit}.
	 */
	public static final class Builder {

		private final String cacheName;

		private final String region;

		private final AwsCredentialsProvider credentials;

		private CacheTopology topology = CacheTopology.REPLICATION_GROUP;

		private AuthMode authMode = AuthMode.PASSWORD;

		private @Nullable String userId;

		private Duration timeout = Duration.ofSeconds(10);

		private ClientOverrideConfiguration overrides = ClientOverrideConfiguration.builder().build();

		private Clock clock = Clock.systemUTC();

		private Builder(String cacheName, String region, AwsCredentialsProvider credentials) {
			this.cacheName = cacheName;
			this.region = region;
			this.credentials = credentials;
		}

		/**
		 * Set the cache's topology: {@link CacheTopology#SERVERLESS} audits a serverless
		 * cache, any other a replication group (default).
		 * @param topology the topology
		 * @return this builder
		 */
		public Builder topology(CacheTopology topology) {
			this.topology = topology;
			return this;
		}

		/**
		 * Set how the application authenticates, and as which user: with
		 * {@link AuthMode#IAM} the user is checked.
		 * @param authMode the mode
		 * @param userId the user id, {@code null} for the default user
		 * @return this builder
		 */
		public Builder authentication(AuthMode authMode, @Nullable String userId) {
			this.authMode = authMode;
			this.userId = userId;
			return this;
		}

		/**
		 * Set the bound of one run of the audit, all calls together (default 10 s).
		 * @param timeout the timeout, positive
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("The audit timeout must be positive");
			}
			this.timeout = timeout;
			return this;
		}

		/**
		 * Set the clients' override configuration (retry strategy, interceptors); the
		 * audit adds one retry unless a retry strategy is set, and its timeout to every
		 * call.
		 * @param overrides the override configuration
		 * @return this builder
		 */
		public Builder clientOverrides(ClientOverrideConfiguration overrides) {
			this.overrides = overrides;
			return this;
		}

		/**
		 * Set the clock that bounds the calls and dates the reports.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Build the audit and its AWS clients; {@link PostureAudit#close()} closes them.
		 * @return the audit
		 */
		public PostureAudit build() {
			return new PostureAudit(new Settings(this.cacheName, this.region, this.credentials, this.topology,
					this.authMode, this.userId, this.timeout, this.overrides, this.clock));
		}

	}

}
