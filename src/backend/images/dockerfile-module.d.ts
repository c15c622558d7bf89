/** The top-level Dockerfile, embedded as text (`with { type: "text" }`) so the compiled binary can build `image: default`. */
declare module "*Dockerfile" {
  const text: string;
  export default text;
}
