package io.github.elasticachesecure.audit;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.elasticachesecure.cache.AuthMode;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.elasticache.model.AuthenticationType;
import software.amazon.awssdk.services.elasticache.model.User;
import software.amazon.awssdk.services.elasticache.model.UserGroup;

/**
 * The checks of the users in the cache's user groups: the {@code default} user is not
 * left open, and in IAM mode the configured user exists, authenticates with IAM and
 * belongs to a group attached to the cache.
 */
final class UserChecks {

	private UserChecks() {
	}

	/**
	 * Each user group must hold a user named {@code default}; it is open when it is
	 * enabled ({@code on}) and needs no password.
	 */
	static Finding defaultUser(CacheFacts cache, List<UserGroup> groups, List<User> users) {
		String id = "default-user";
		Map<String, User> byId = users.stream()
			.collect(Collectors.toMap(User::userId, Function.identity(), (a, b) -> a));
		for (UserGroup group : groups) {
			for (String userId : group.userIds()) {
				User user = byId.get(userId);
				if (user != null && "default".equals(user.userName()) && isOpen(user)) {
					return Finding.fail(id, Severity.HIGH,
							"User group " + group.userGroupId() + " holds the default " + "user '" + user.userId()
									+ "', enabled with no password (access string '" + user.accessString()
									+ "'): any client that reaches the cache is logged in as it.",
							"Replace it in the group with a default user that is disabled (access string 'off -@all') "
									+ "or has a password: create-user --user-name default --user-id <new id> "
									+ "--access-string 'off -@all' --no-password-required, then modify-user-group.");
				}
			}
		}
		return Finding.pass(id, Severity.HIGH, cache.userGroupIds().isEmpty() ? "The default user needs the AUTH token."
				: "The default user is disabled or needs a password.");
	}

	static Finding iamUser(CacheFacts cache, @Nullable String userId, List<User> users) {
		String id = "iam-user";
		User user = users.stream().filter((candidate) -> candidate.userId().equals(userId)).findFirst().orElse(null);
		String fix = "Create the user with IAM authentication and user name equal to its id "
				+ "(create-user --user-id " + userId + " --user-name " + userId + " --engine valkey "
				+ "--authentication-mode Type=iam --access-string '<access>'), and add it to a user group attached "
				+ "to the cache (modify-user-group --user-ids-to-add " + userId + ").";
		if (user == null) {
			return Finding.fail(id, Severity.HIGH,
					"The user '" + userId + "' (elasticache.secure.auth.username) " + "does not exist in this region.",
					fix);
		}
		AuthenticationType type = (user.authentication() != null) ? user.authentication().type() : null;
		if (type != AuthenticationType.IAM) {
			return Finding.fail(id, Severity.HIGH,
					"The user '" + userId + "' authenticates with "
							+ ((user.authentication() != null) ? user.authentication().typeAsString()
									: "no declared type")
							+ ", not iam.",
					"Modify the user: modify-user --user-id " + userId
							+ " --authentication-mode Type=iam (or use elasticache.secure.auth.mode=password).");
		}
		if (!userId.equals(user.userName())) {
			return Finding.fail(id, Severity.HIGH, "The IAM user '" + userId + "' has the user name '" + user.userName()
					+ "': IAM authentication needs the user name and the user id to be equal.", fix);
		}
		List<String> attached = user.userGroupIds().stream().filter(cache.userGroupIds()::contains).toList();
		if (attached.isEmpty()) {
			return Finding.fail(id, Severity.HIGH,
					"The IAM user '" + userId + "' is in no user group attached to " + "the " + cache.kind()
							+ " (its groups: " + user.userGroupIds() + ", attached: " + cache.userGroupIds() + ").",
					"Add the user to an attached group: modify-user-group "
							+ "--user-group-id <attached group> --user-ids-to-add " + userId + ".");
		}
		return Finding.pass(id, Severity.HIGH, "The user '" + userId + "' authenticates with IAM and is in the "
				+ "attached user group " + attached.get(0) + ".");
	}

	static boolean needsIamUserCheck(AuthMode authMode, @Nullable String userId) {
		return authMode == AuthMode.IAM && userId != null;
	}

	private static boolean isOpen(User user) {
		boolean enabled = user.accessString() != null
				&& Arrays.asList(user.accessString().trim().split("\\s+")).contains("on");
		return enabled && user.authentication() != null
				&& user.authentication().type() == AuthenticationType.NO_PASSWORD;
	}

}
