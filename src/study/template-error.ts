/** A template that does not compile or render; kept apart so that catching it does not load Handlebars. */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    readonly reason: string,
  ) {
    super(`${template} : ${reason}`);
    this.name = "TemplateError";
  }
}
