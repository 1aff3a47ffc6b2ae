export {
  backoffMs,
  createConsumer,
  DEFAULT_RETRY,
  DLQ_HEADERS,
  HandlerTimeoutError,
  type ConsumerOptions,
  type ConsumerStats,
  type ContractConsumer,
  type MessageContext,
  type MessageHandler,
  type RetryPolicy,
} from './consumer';
