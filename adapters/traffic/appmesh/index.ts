/** The App Mesh traffic router and its Cloud Map registry. */
export { AppMeshRouter, APPMESH_API, meshNames, type AppMeshRouterOptions, type MeshDiscovery } from './appmesh-router.js';
export { CloudMapRegistry, type MeshInstance } from './cloud-map.js';
