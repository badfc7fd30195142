/**
 * The queue adapter: the pipeline's BullMQ queues (plan, deploy.<env>, report), their typed payloads, and the
 * workers that run stage code on them. See README.md for the semantics (durable acceptance, redelivery dedup,
 * one deployment per environment at a time, latest wins, resumable jobs).
 */
export { createRedisClient, type RedisClientOptions, type RedisRole } from './redis-client.js';
export { BUILD_QUEUE, PLAN_QUEUE, REPORT_QUEUE, VALIDATE_QUEUE, deployQueueName, pipelineKeys, queuePrefix, type PipelineKeys } from './queue-names.js';
export { PipelineQueues, isUsableDeliveryId, type EnqueuePlanResult, type PipelineQueuesOptions } from './pipeline-queues.js';
export { planJobDelivery, planJobSchema, toPlanJob, isPlannedEvent, type PlanJob, type PlannedEvent } from './plan-job.js';
export { deployJobId, deployJobSchema, laneOf, type DeployJob } from './deploy-job.js';
export { deployRequestSchema } from './deploy-request-schema.js';
export { reportJobSchema, type ReportJob, type ReportState } from './report-job.js';
export { readProgress, type JobContext, type JobProgress } from './job-context.js';
export { toBullFailure, type JobProcessor } from './run-job.js';
export { createBuildWorker, createPlanWorker, createReportWorker, createValidateWorker, type StageWorkerOptions } from './stage-workers.js';
export { buildJobId, buildJobSchema, buildRefSchema, builtImageSchema, type BuildJob, type BuildRef } from './build-job.js';
export { BuildGate, type BuildWait, type ReadyImage } from './build-gate.js';
export { DeployWorkerPool, type DeployJobResult, type DeployWorkerPoolOptions } from './deploy-worker-pool.js';
export type { WorkerSettings } from './worker-settings.js';
export { PREVIEW_COLLECT_QUEUE, PREVIEW_COLLECTOR_ID, startPreviewCollector, type PreviewCollector } from './preview-collector.js';
export { InvalidJobDataError, QueueUnavailableError } from './errors.js';
