import type * as grpc from '@grpc/grpc-js';
import type { Admission } from './admission';
import { serviceErrorOf, type StatusOptions } from './status';

/** Builds grpc-js handlers that pass the admission gate and translate thrown errors into statuses. */
export class HandlerFactory {
  constructor(
    private readonly admission: Admission,
    private readonly options: StatusOptions,
  ) {}

  unary<Request, Response>(
    method: string,
    handle: (request: Request) => Promise<Response>,
  ): grpc.handleUnaryCall<Request, Response> {
    return (call, callback) => {
      this.run(method, call.metadata, () => handle(call.request)).then(
        (response) => callback(null, response as Response),
        (error: unknown) => callback(serviceErrorOf(error, this.options)),
      );
    };
  }

  serverStream<Request, Response>(
    method: string,
    handle: (request: Request) => Promise<Response[]>,
  ): grpc.handleServerStreamingCall<Request, Response> {
    return (call) => {
      this.run(method, call.metadata, () => handle(call.request)).then(
        (messages) => {
          for (const message of messages as Response[]) call.write(message);
          call.end();
        },
        (error: unknown) => call.emit('error', serviceErrorOf(error, this.options)),
      );
    };
  }

  clientStream<Request, Response>(
    method: string,
    handle: (requests: Request[]) => Promise<Response>,
  ): grpc.handleClientStreamingCall<Request, Response> {
    return (call, callback) => {
      const requests: Request[] = [];
      call.on('data', (request: Request) => requests.push(request));
      call.on('end', () => {
        this.run(method, call.metadata, () => handle(requests)).then(
          (response) => callback(null, response as Response),
          (error: unknown) => callback(serviceErrorOf(error, this.options)),
        );
      });
    };
  }

  private async run<T>(
    method: string,
    metadata: grpc.Metadata,
    work: () => Promise<T>,
  ): Promise<T | unknown> {
    const injected = await this.admission.admit(method, metadata);
    return injected ? injected.reply : work();
  }
}
