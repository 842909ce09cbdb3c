package io.github.elasticachesecure.autoconfigure;

import java.util.Set;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when a mode property binds to one of the given values exactly as the properties
 * do (Boot's lenient enum binding: "iam ", "IAM" and "Iam" alike), so that the condition
 * and the bound mode never disagree. A value that does not bind does not match; binding
 * the properties then reports it.
 * <p>
 * Not {@code @ConditionalOnProperty}: its {@code havingValue} compares the raw text (case
 * aside, blanks kept) and takes one value only.
 *
 * @param <E> the mode
 */
abstract class OnBoundModeCondition<E extends Enum<E>> extends SpringBootCondition {

	private final String description;

	private final String property;

	private final Class<E> type;

	private final E unset;

	private final Set<E> matching;

	OnBoundModeCondition(String description, String property, Class<E> type, E unset, Set<E> matching) {
		this.description = description;
		this.property = property;
		this.type = type;
		this.unset = unset;
		this.matching = matching;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition(this.description);
		E mode;
		try {
			mode = Binder.get(context.getEnvironment()).bind(this.property, this.type).orElse(this.unset);
		}
		catch (BindException ex) {
			return ConditionOutcome.noMatch(message.because("'" + this.property + "' is not a valid mode"));
		}
		return new ConditionOutcome(this.matching.contains(mode),
				message.because("'" + this.property + "' is " + mode));
	}

}
