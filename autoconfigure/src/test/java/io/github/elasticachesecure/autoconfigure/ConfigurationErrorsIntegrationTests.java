package io.github.elasticachesecure.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.elasticachesecure.autoconfigure.guard.ElastiCacheSecureGuardAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.github.elasticachesecure.testsupport.Threads;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Runs every row of {@code docs/configuration-errors.md} as a real application against
 * one TLS test server: the start fails with Spring Boot's failure report naming the
 * property and the fix, no secret is printed, and nothing is left behind. The rows are
 * read from the document itself, so the document and the test cannot drift apart.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationErrorsIntegrationTests {

	private static final Path TABLE = Path.of("..", "docs", "configuration-errors.md");

	// Every secret in the table contains it, and so do the password of the test user and
	// the AWS secret key below.
	private static final String SECRET_MARK = "S3cret";

	private static final String DOCUMENTED_ENDPOINT = "localhost:6379";

	private static final String DOCUMENTED_CA = "file:/path/to/ca.pem";

	private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\|(.*)\\|$");

	private static final Pattern CODE = Pattern.compile("`([^`]*)`");

	private static final Duration LEFTOVER_LIMIT = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls().aclUser("app", "S3cret-app-2f9d");

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void refusedWithAReportThatNamesThePropertyAndTheFixAndNoSecret(Row row, CapturedOutput output) throws Exception {
		List<Long> processesBefore = childProcesses();
		SpringApplication application = new SpringApplication(ConfigurationErrorsApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setRegisterShutdownHook(false);
		// The rows describe an application without Netty's OpenSSL engine, which the test
		// classpath carries.
		application.setResourceLoader(new DefaultResourceLoader(new FilteredClassLoader("io.netty.internal.tcnative")));
		application.setDefaultProperties(new LinkedHashMap<>(row.properties(baseProperties(), this::local)));
		Throwable failure = catchThrowable(() -> application.run().close());
		assertThat(failure).as("start of row %s", row.number()).isNotNull();
		String log = output.toString();
		assertThat(log.contains(SECRET_MARK)).as("a secret in the output of row %s", row.number()).isFalse();
		int start = log.indexOf("APPLICATION FAILED TO START");
		assertThat(start).as("Spring Boot's failure report for row %s", row.number()).isNotNegative();
		String report = log.substring(start);
		assertThat(report).contains("Description:").contains("Action:").contains(row.property());
		for (String expected : row.expected()) {
			assertThat(report).contains(local(expected));
		}
		Threads.awaitNoneNamed(Threads.LETTUCE);
		await().atMost(LEFTOVER_LIMIT)
			.untilAsserted(() -> assertThat(applicationClients()).as("client connections on the server").isZero());
		assertThat(childProcesses()).as("processes started by the row").isSubsetOf(processesBefore);
	}

	static List<Row> rows() throws IOException {
		List<Row> rows = new ArrayList<>();
		for (String line : Files.readAllLines(TABLE)) {
			Matcher matcher = ROW.matcher(line);
			if (matcher.matches()) {
				String[] cells = matcher.group(2).split("\\|", -1);
				assertThat(cells).as("cells of row %s", matcher.group(1)).hasSize(6);
				List<String> value = code(cells[1]);
				rows.add(new Row(Integer.parseInt(matcher.group(1)), code(cells[0]).get(0),
						value.isEmpty() ? null : value.get(0), code(cells[2]), cells[3].trim(),
						concat(code(cells[4]), code(cells[5]))));
			}
		}
		assertThat(rows).as("rows in " + TABLE).hasSizeGreaterThanOrEqualTo(30);
		assertThat(rows).extracting(Row::number).doesNotHaveDuplicates();
		return rows;
	}

	/**
	 * The working configuration the document starts every row from (its first properties
	 * block).
	 */
	private static Map<String, String> baseProperties() throws IOException {
		String text = Files.readString(TABLE);
		int start = text.indexOf("```properties\n") + "```properties\n".length();
		Map<String, String> properties = new LinkedHashMap<>();
		for (String line : text.substring(start, text.indexOf("```", start)).split("\n")) {
			int equals = line.indexOf('=');
			properties.put(line.substring(0, equals), line.substring(equals + 1));
		}
		return properties;
	}

	/**
	 * The documented value with the test server's port and CA.
	 */
	private String local(String value) {
		return value.replace(DOCUMENTED_ENDPOINT, "localhost:" + redis.port())
			.replace(DOCUMENTED_CA, "file:" + TestPki.get().trustedCa().certificatePem());
	}

	private static List<String> code(String cell) {
		List<String> spans = new ArrayList<>();
		Matcher matcher = CODE.matcher(cell);
		while (matcher.find()) {
			spans.add(matcher.group(1));
		}
		return spans;
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	private static List<Long> childProcesses() {
		return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
	}

	/**
	 * Connections on the server other than the test kit's own admin connection.
	 */
	private static long applicationClients() {
		return redis.process().clientList().lines().filter((line) -> !line.contains("name=testbed-admin")).count();
	}

	/**
	 * A row of the table.
	 *
	 * @param number its number
	 * @param property the property the row is about
	 * @param value its value, {@code null} to remove it
	 * @param also further settings: {@code name=value} sets, a bare name removes
	 * @param problem what is wrong
	 * @param expected the texts the report contains
	 */
	record Row(int number, String property, @Nullable String value, List<String> also, String problem,
			List<String> expected) {

		Map<String, String> properties(Map<String, String> base, UnaryOperator<String> local) {
			Map<String, String> properties = new LinkedHashMap<>();
			base.forEach((name, baseValue) -> properties.put(name, local.apply(baseValue)));
			set(properties, this.property, this.value, local);
			for (String setting : this.also) {
				int equals = setting.indexOf('=');
				if (equals < 0) {
					properties.remove(setting);
				}
				else {
					set(properties, setting.substring(0, equals), setting.substring(equals + 1), local);
				}
			}
			return properties;
		}

		private static void set(Map<String, String> properties, String name, @Nullable String value,
				UnaryOperator<String> local) {
			if (value == null) {
				properties.remove(name);
			}
			else {
				properties.put(name, local.apply(value));
			}
		}

		@Override
		public String toString() {
			// No value here: some carry secrets, and test reports must not print them.
			return this.number + ": " + this.property + " (" + this.problem + ")";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, ElastiCacheSecureAutoConfiguration.class,
			ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
			DataRedisAutoConfiguration.class })
	static class ConfigurationErrorsApplication {

		// Stand-ins for the AWS credential and region chains, which would ask the
		// instance metadata service.
		@Bean
		AwsCredentialsProvider awsCredentialsProvider() {
			return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "S3cret-aws-key"));
		}

		@Bean
		AwsRegionProvider awsRegionProvider() {
			return () -> {
				throw SdkClientException.create("Unable to load region from any of the providers in the chain");
			};
		}

	}

}
