/** The only Admin API version the stand-in answers; the app is pinned to it (ApiVersion.October26). */
export const STAND_IN_API_VERSION = "2026-10";
