package io.github.elasticachesecure.audit;

import java.util.List;

import io.github.elasticachesecure.cache.AuthMode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticache.model.Authentication;
import software.amazon.awssdk.services.elasticache.model.AuthenticationType;
import software.amazon.awssdk.services.elasticache.model.User;
import software.amazon.awssdk.services.elasticache.model.UserGroup;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks of a cache's users, on the SDK's model objects without the AWS APIs.
 */
class UserChecksTests {

	private static final CacheFacts CACHE = new CacheFacts("replication group", false, true, "required", true, null,
			false, List.of("orders-users"), "valkey", "7.2.4", "orders-private", List.of(), List.of(6379), true, true,
			1);

	private static final CacheFacts NO_GROUP = new CacheFacts("replication group", false, true, "required", true, null,
			true, List.of(), "valkey", "7.2.4", "orders-private", List.of(), List.of(6379), true, true, 1);

	@Test
	void anEnabledDefaultUserWithoutPasswordIsAHighFailure() {
		User open = user("default-open", "default", "on ~* +@all", AuthenticationType.NO_PASSWORD, "orders-users");
		Finding finding = UserChecks.defaultUser(CACHE, List.of(group("orders-users", "default-open")), List.of(open));
		assertThat(finding.id()).isEqualTo("default-user");
		assertThat(finding.isHighFailure()).isTrue();
		assertThat(finding.found()).isEqualTo("User group orders-users holds the default user 'default-open', enabled "
				+ "with no password (access string 'on ~* +@all'): any client that reaches the cache is logged in as it.");
		assertThat(finding.fix()).startsWith("Replace it in the group with a default user that is disabled");
	}

	@Test
	void aDisabledOrProtectedDefaultUserPasses() {
		List<User> users = List
			.of(user("default-off", "default", "off -@all", AuthenticationType.NO_PASSWORD, "orders-users"),
					user("default-password", "default", "on ~* +@all", AuthenticationType.PASSWORD, "orders-users"),
					user("default-onward", "default", "  onward ~* +@all", AuthenticationType.NO_PASSWORD,
							"orders-users"),
					user("default-untyped", "default", "on ~* +@all", null, "orders-users"),
					user("default-no-access", "default", null, AuthenticationType.NO_PASSWORD, "orders-users"),
					user("app-open", "app", "on ~* +@all", AuthenticationType.NO_PASSWORD, "orders-users"));
		Finding finding = UserChecks.defaultUser(CACHE, List.of(group("orders-users", "default-off", "default-password",
				"default-onward", "default-untyped", "default-no-access", "app-open", "missing")), users);
		assertThat(finding.passed()).isTrue();
		assertThat(finding.severity()).isEqualTo(Severity.HIGH);
		assertThat(finding.found()).isEqualTo("The default user is disabled or needs a password.");
		assertThat(UserChecks.defaultUser(NO_GROUP, List.of(), List.of()).found())
			.isEqualTo("The default user needs the AUTH token.");
	}

	@Test
	void theDefaultUserIsFoundAmongSeveralAccessRulesAndGroups() {
		User open = user("default-open", "default", "~* on +@all", AuthenticationType.NO_PASSWORD, "other");
		Finding finding = UserChecks.defaultUser(CACHE,
				List.of(group("orders-users", "app"), group("other", "default-open")),
				List.of(user("app", "app", "on", AuthenticationType.IAM, "orders-users"), open, open));
		assertThat(finding.isHighFailure()).isTrue();
		assertThat(finding.found()).startsWith("User group other holds the default user 'default-open'");
	}

	@Test
	void theIamUserMustExist() {
		Finding finding = UserChecks.iamUser(CACHE, "app", List.of());
		assertThat(finding.id()).isEqualTo("iam-user");
		assertThat(finding.isHighFailure()).isTrue();
		assertThat(finding.found())
			.isEqualTo("The user 'app' (elasticache.secure.auth.username) does not exist in this region.");
		assertThat(finding.fix()).isEqualTo("Create the user with IAM authentication and user name equal to its id "
				+ "(create-user --user-id app --user-name app --engine valkey --authentication-mode Type=iam "
				+ "--access-string '<access>'), and add it to a user group attached to the cache "
				+ "(modify-user-group --user-ids-to-add app).");
	}

	@Test
	void theIamUserMustAuthenticateWithIam() {
		Finding password = UserChecks.iamUser(CACHE, "app",
				List.of(user("other", "other", "on", AuthenticationType.IAM, "orders-users"),
						user("app", "app", "on", AuthenticationType.PASSWORD, "orders-users")));
		assertThat(password.isHighFailure()).isTrue();
		assertThat(password.found()).isEqualTo("The user 'app' authenticates with password, not iam.");
		assertThat(password.fix())
			.isEqualTo("Modify the user: modify-user --user-id app --authentication-mode Type=iam "
					+ "(or use elasticache.secure.auth.mode=password).");
		Finding untyped = UserChecks.iamUser(CACHE, "app", List.of(user("app", "app", "on", null, "orders-users")));
		assertThat(untyped.found()).isEqualTo("The user 'app' authenticates with no declared type, not iam.");
	}

	@Test
	void theIamUsersNameMustBeItsId() {
		Finding finding = UserChecks.iamUser(CACHE, "app",
				List.of(user("app", "application", "on", AuthenticationType.IAM, "orders-users")));
		assertThat(finding.isHighFailure()).isTrue();
		assertThat(finding.found()).isEqualTo("The IAM user 'app' has the user name 'application': IAM authentication "
				+ "needs the user name and the user id to be equal.");
	}

	@Test
	void theIamUserMustBeInAnAttachedGroup() {
		Finding outside = UserChecks.iamUser(CACHE, "app",
				List.of(user("app", "app", "on", AuthenticationType.IAM, "other-users")));
		assertThat(outside.isHighFailure()).isTrue();
		assertThat(outside.found()).isEqualTo("The IAM user 'app' is in no user group attached to the replication "
				+ "group (its groups: [other-users], attached: [orders-users]).");
		Finding inside = UserChecks.iamUser(CACHE, "app",
				List.of(user("app", "app", "on", AuthenticationType.IAM, "other-users", "orders-users")));
		assertThat(inside.passed()).isTrue();
		assertThat(inside.found())
			.isEqualTo("The user 'app' authenticates with IAM and is in the attached user group orders-users.");
	}

	@Test
	void onlyIamAuthenticationWithAUserNeedsTheUserCheck() {
		assertThat(UserChecks.needsIamUserCheck(AuthMode.IAM, "app")).isTrue();
		assertThat(UserChecks.needsIamUserCheck(AuthMode.IAM, null)).isFalse();
		assertThat(UserChecks.needsIamUserCheck(AuthMode.PASSWORD, "app")).isFalse();
	}

	private static UserGroup group(String id, String... userIds) {
		return UserGroup.builder().userGroupId(id).userIds(userIds).build();
	}

	private static User user(String id, String name, String access, AuthenticationType type, String... groups) {
		return User.builder()
			.userId(id)
			.userName(name)
			.accessString(access)
			.authentication((type != null) ? Authentication.builder().type(type).build() : null)
			.userGroupIds(groups)
			.build();
	}

}
