// app.yaml: what the pipeline needs to know about one app beyond its manifests: how to build its images, and what
// its workloads serve, probe, scale to and how they are rolled out. The file is optional: an app is a directory
// with a kustomize base (app-layout.ts), and an app without app.yaml builds nothing and describes no workload.
// Field reference with defaults: apps/README.md.
import { z } from 'zod';
import type { AppWorkload } from './app-workload.js';
import {
  refineWorkload,
  resolveWorkload,
  WORKLOAD_FIELD_NAMES,
  workloadFields,
  workloadSchema,
} from './app-workload.js';
import type { DeepReadonly } from './deep-freeze.js';
import { deepFreeze } from './deep-freeze.js';
import { appRelativePath, serviceName, uniqueBy, watchPattern } from './fields.js';
import type { YamlParser } from './parse-config-file.js';
import { parseConfigFile } from './parse-config-file.js';

/** The watch patterns used when app.yaml names none: everything in the app except its manifests and this file. */
export const DEFAULT_WATCH = Object.freeze(['**', '!base/**', '!app.yaml']);

const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

const imageRepository = z
  .string()
  .min(2)
  .max(256)
  .superRefine((name, ctx) => {
    if (ECR_REPOSITORY.test(name)) return;
    const hint = /[:@]/.test(name)
      ? 'has a tag, digest or registry port; write the repository name alone, the pipeline adds the registry and the tag'
      : 'is not an ECR repository name: lowercase letters and digits, separated by ".", "_", "-" or "/" (for example shop/catalog)';
    ctx.addIssue({ code: 'custom', input: name, message: `${JSON.stringify(name)} ${hint}` });
  });

const buildArgs = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a build argument name: letters, digits and _' }),
    z.string().max(4_096),
  )
  .default({});

const buildSchema = z.strictObject({
  context: appRelativePath.default('.'),
  dockerfile: appRelativePath.default('Dockerfile'),
  watch: z.array(watchPattern).min(1).optional(),
  buildArgs,
});

const imageSchema = z.strictObject({
  name: serviceName('frontend').optional(),
  repository: imageRepository.describe('the ECR repository name the image is pushed to, for example shop/frontend'),
  context: appRelativePath.default('.'),
  dockerfile: appRelativePath.optional(),
  watch: z.array(watchPattern).min(1).optional(),
  buildArgs,
});

/** The default watch list of an image built from `context`: the whole app for `.`, else the context directory. */
function defaultWatch(context: string): readonly string[] {
  const dir = context.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
  return dir === '' || dir === '.' ? [...DEFAULT_WATCH] : [`${dir}/**`];
}

/** The zod schema of app.yaml, before defaults that depend on other fields are filled in. Prefer {@link parseAppConfig}. */
export const appConfigSchema = z
  .strictObject({
    name: serviceName('catalog').describe('the app name, the same as its directory under apps/ (for example catalog)'),
    // Two spellings of what to build: `image` + `build` for an app with one image (the common case), or `images`
    // for an app that builds several from one repository (a Dockerfile per service under src/<service>/). The
    // parsed model has only `images`, so nothing downstream cares which spelling a file used. Neither: the app
    // builds nothing and deploys the images its manifests name (a third-party base such as Online Boutique).
    image: z
      .strictObject({
        repository: imageRepository.describe(
          'the ECR repository name the image is pushed to, for example shop/catalog',
        ),
      })
      .optional(),
    build: buildSchema.optional(),
    images: z
      .array(imageSchema)
      .min(1)
      .max(50)
      .superRefine(uniqueBy((image) => image.repository, 'the repository'))
      .superRefine(uniqueBy((image) => image.name ?? image.repository, 'the image name'))
      .optional(),
    // The same two spellings for workloads: the workload fields at the top describe the one workload named after
    // the app; `workloads` lists several. The parsed model has only `workloads`.
    ...workloadFields,
    workloads: z
      .array(workloadSchema)
      .min(1)
      .max(100)
      .superRefine(uniqueBy((workload) => `${workload.kind}/${workload.name}`, 'the workload'))
      .optional(),
  })
  .superRefine((app, ctx) => {
    if (app.images !== undefined && (app.image !== undefined || app.build !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['images'],
        input: app.images,
        message:
          'is given together with image/build; use `image` + `build` for one image or `images` for several, not both',
      });
    }
    if (app.build !== undefined && app.image === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['build'],
        input: app.build,
        message: 'says how to build an image, but image.repository names none; add image.repository',
      });
    }
    const topLevel = WORKLOAD_FIELD_NAMES.filter((field) => app[field] !== undefined);
    if (app.workloads !== undefined && topLevel.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['workloads'],
        input: app.workloads,
        message: `is given together with ${topLevel.join(', ')} at the top of the file; write those under the workload they describe in workloads, or describe one workload at the top and drop workloads`,
      });
    }
    refineWorkload(app, ctx);
  })
  .transform(({ image, build, images, workloads, ...app }) => {
    const name = app.name;
    const listed = images ?? (image ? [{ ...build, repository: image.repository }] : []);
    const resolved: AppImage[] = listed.map((entry, index) => {
      const context = entry.context ?? '.';
      const dir = context.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
      return {
        name: ('name' in entry ? entry.name : undefined) ?? entry.repository.split('/').pop() ?? entry.repository,
        repository: entry.repository,
        context,
        dockerfile: entry.dockerfile ?? (dir === '' || dir === '.' ? 'Dockerfile' : `${dir}/Dockerfile`),
        watch: entry.watch ?? defaultWatch(context),
        buildArgs: entry.buildArgs ?? {},
        field: images ? `images[${index}]` : 'image',
      };
    });
    const described = WORKLOAD_FIELD_NAMES.some((field) => app[field] !== undefined);
    const resolvedWorkloads = workloads
      ? workloads.map((workload, index) => resolveWorkload(workload, `workloads[${index}]`))
      : described
        ? [resolveWorkload({ ...app, name, kind: 'Deployment' }, '')]
        : [];
    return { name, images: resolved, workloads: resolvedWorkloads };
  });

/**
 * A parsed, validated and frozen `apps/<name>/app.yaml`, or the defaults of an app without one
 * ({@link defaultAppConfig}). Durations are milliseconds.
 *
 * Example and field reference: apps/README.md. Defaults are listed on each field.
 */
export interface AppConfig {
  /** The app's name: its directory under `apps/`. Default: the directory's name. */
  readonly name: string;
  /**
   * The images the app builds: from `images`, or the one that `image` + `build` describe. Each is decided (content
   * tag), built and pinned on its own. Empty when the app builds nothing (it deploys the images its base names).
   */
  readonly images: readonly AppImage[];
  /**
   * The workloads of the app's base that app.yaml describes: from `workloads`, or the one named after the app that
   * the top-level `ports`, `health`, `autoscaling`, `canary` and `traffic` describe. Empty when none is described;
   * workloads of the base that are not listed are deployed as their manifests say.
   */
  readonly workloads: readonly AppWorkload[];
}

/** One image an app builds. Paths are relative to the app directory. */
export interface AppImage {
  /** Names the image within the app (check runs, logs). Default: the last segment of `repository`. */
  readonly name: string;
  /** ECR repository name (`shop/catalog`), without registry or tag: the build pushes there, and the base's image name is this too, so the `images:` transformer can pin it. Required. */
  readonly repository: string;
  /** Docker build context. Default `.`. */
  readonly context: string;
  /** The Dockerfile. Default `Dockerfile` for the context `.`, else `<context>/Dockerfile`. */
  readonly dockerfile: string;
  /** Globs whose change triggers a rebuild; `!` excludes. Default {@link DEFAULT_WATCH} for the context `.`, else `<context>/**`. */
  readonly watch: readonly string[];
  /** `--build-arg` values. Default none. */
  readonly buildArgs: Readonly<Record<string, string>>;
  /**
   * Where app.yaml writes this image, for error messages: `image` or `images[2]`. Optional so that an image made
   * anywhere but the parser (a test, another source of config) need not invent one.
   */
  readonly field?: string;
}

// Compile-time proof that the documented interface is exactly what the schema produces.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const schemaMatchesInterface: Equal<DeepReadonly<z.output<typeof appConfigSchema>>, AppConfig> = true;
void schemaMatchesInterface;

/** The guide quoted in app.yaml errors. */
const GUIDE = 'apps/README.md';

/**
 * Parses and validates the text of an app.yaml. `name` may be left out: it defaults to the directory holding the
 * file.
 *
 * @param text the file's content
 * @param file the file's path relative to the repository root (`apps/<name>/app.yaml`), used in every error message
 * @param parseYaml a YAML parser, normally `parse` from the `yaml` package (core/ does no parsing or I/O itself)
 * @throws ConfigError naming the file, each field and what to write instead
 */
export function parseAppConfig(text: string, file: string, parseYaml: YamlParser): AppConfig {
  const withName: YamlParser = (source) => {
    const value = parseYaml(source);
    const directory = file.split('/').slice(-2, -1)[0];
    // Only a mapping without a name gets one; anything else is left for the schema to refuse with its own words.
    if (isMapping(value) && !('name' in value) && directory !== undefined) return { name: directory, ...value };
    return value;
  };
  return parseConfigFile(appConfigSchema, text, file, withName, GUIDE);
}

/** The config of an app whose directory has no app.yaml: it builds nothing and describes no workload. */
export function defaultAppConfig(name: string): AppConfig {
  return deepFreeze({ name, images: [], workloads: [] });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
