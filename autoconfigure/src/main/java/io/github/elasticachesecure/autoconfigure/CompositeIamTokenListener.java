package io.github.elasticachesecure.autoconfigure;

import java.util.List;

import io.github.elasticachesecure.iam.IamTokenListener;
import io.github.elasticachesecure.iam.IamTokenStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Tells every {@link IamTokenListener} bean, in order, about token refreshes; one failing
 * listener does not keep the others from being called.
 */
final class CompositeIamTokenListener implements IamTokenListener {

	private static final Log logger = LogFactory.getLog(CompositeIamTokenListener.class);

	private final List<IamTokenListener> listeners;

	private CompositeIamTokenListener(List<IamTokenListener> listeners) {
		this.listeners = listeners;
	}

	static IamTokenListener of(ObjectProvider<IamTokenListener> listeners) {
		return new CompositeIamTokenListener(listeners.orderedStream().toList());
	}

	@Override
	public void onRefreshSuccess(IamTokenStatus status) {
		for (IamTokenListener listener : this.listeners) {
			try {
				listener.onRefreshSuccess(status);
			}
			catch (RuntimeException ex) {
				logger.debug("IamTokenListener " + listener.getClass().getName() + " failed", ex);
			}
		}
	}

	@Override
	public void onRefreshFailure(IamTokenStatus status, Throwable cause) {
		for (IamTokenListener listener : this.listeners) {
			try {
				listener.onRefreshFailure(status, cause);
			}
			catch (RuntimeException ex) {
				logger.debug("IamTokenListener " + listener.getClass().getName() + " failed", ex);
			}
		}
	}

}
