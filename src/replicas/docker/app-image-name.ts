// Which image is the built-in app's, by name alone: for validating a scenario (no engine, no build) as
// well as for starting one. Building the image is app-image.ts's job.

export const appImage = 'lbbench-hello'

/** True for the image name that means "the built-in app" (with or without a tag). */
function isAppImage(image: string | undefined): boolean {
  return image === undefined || image === appImage || image === `${appImage}:latest`
}

/** The replicas run the built-in app: no folder to build, and its image or none named. */
export function runsBuiltinApp(r: {image?: string; build?: string}): boolean {
  return r.build === undefined && isAppImage(r.image)
}
